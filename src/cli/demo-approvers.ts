import { generateApproverKeyPair, signApproval, type ApprovalPolicy } from '../approvals/index.js';
import type { Approval, Gate } from '../domain/approval.js';
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
    const changeSet = view.context.changeSet;
    if (changeSet === null) throw new Error('no change set to approve');
    const now = Date.now();
    const [approver, key] = gate === 'SG_1' ? ['demo-reviewer', reviewer] : ['demo-owner', owner];
    return signApproval(
      {
        gate,
        runId: view.context.runId,
        changeSetId: changeSet.changeSetId,
        planHash: changeSet.planHash,
        approver,
        reason: `demo approval of ${gate}`,
        issuedAt: new Date(now).toISOString(),
        expiresAt: new Date(now + 10 * 60_000).toISOString(),
        ...(gate === 'SG_2' ? { reviewDecisionId: 'DEMO-REVIEW-1' } : {}),
      },
      key.privateKey,
    );
  };
  return { policy, initiator: 'demo-operator', sign };
}
