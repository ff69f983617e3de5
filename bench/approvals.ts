import { createPrivateKey } from 'node:crypto';
import { generateApproverKeyPair, signApproval, type ApprovalPolicy } from '../src/approvals/index.js';
import type { Approval, Gate } from '../src/domain/approval.js';
import type { RunView } from '../src/runner/run-view.js';

const alice = generateApproverKeyPair();
const bob = generateApproverKeyPair();

/**
 * Their keys, parsed once, as an approver signing many approvals in one process would hold them: parsing a PEM key
 * (about 0.6 ms) is the approver's work, not the run's, and was a quarter of a 1k run's orchestration.
 */
const signingKeys = { alice: createPrivateKey(alice.privateKey), bob: createPrivateKey(bob.privateKey) };

/** Two approvers; the bench's runs are started by a third party, 'bench'. */
export const benchPolicy: ApprovalPolicy = { approvers: { alice: alice.publicKey, bob: bob.publicKey } };

/** A valid approval for the gate `view` waits at. */
export function benchApproval(view: RunView, gate: Gate): Approval {
  const changeSet = view.context.changeSet;
  if (changeSet === null) throw new Error(`the run is at ${view.state} without a change set`);
  const approver = gate === 'SG_1' ? 'alice' : 'bob';
  const now = Date.now();
  return signApproval({
    gate, runId: view.context.runId, changeSetId: changeSet.changeSetId, planHash: changeSet.planHash, approver,
    reason: 'bench', issuedAt: new Date(now - 1000).toISOString(), expiresAt: new Date(now + 3_600_000).toISOString(),
    ...(gate === 'SG_2' ? { reviewDecisionId: 'RD-BENCH' } : {}),
  }, signingKeys[approver]);
}
