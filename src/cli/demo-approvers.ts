import { generateApproverKeyPair, signApproval, type ApprovalPolicy } from '../approvals/index.js';
import type { Approval, Gate } from '../domain/approval.js';
import { approvalClaimsFor } from '../runner/approval-claims.js';
import type { RunView } from '../runner/run-view.js';

/**
 * Two demo approvers with keys made for this process only. The demo shows the real approval path (signed, bound to
 * the run, change set and plan hash, not the initiator's), never a bypass.
 */
export function demoApprovers() {
  const reviewer = generateApproverKeyPair();
  const owner = generateApproverKeyPair();
  const policy: ApprovalPolicy = { approvers: { 'demo-reviewer': reviewer.publicKey, 'demo-owner': owner.publicKey } };
  const sign = (view: RunView, gate: Gate): Approval => {
    const [approver, key] = gate === 'SG_1' ? ['demo-reviewer', reviewer] : ['demo-owner', owner];
    const claims = approvalClaimsFor(view, { gate, approver, reason: `demo approval of ${gate}`, ttlMs: 10 * 60_000, ...(gate === 'SG_2' ? { reviewDecisionId: 'DEMO-REVIEW-1' } : {}) });
    return signApproval(claims, key.privateKey);
  };
  return { policy, initiator: 'demo-operator', sign };
}
