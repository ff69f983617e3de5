import { generateApproverKeyPair, signApproval, type ApprovalPolicy, type ApproverKeyPair } from '../../src/approvals/index.js';
import type { Approval, ApprovalClaims, Gate } from '../../src/domain/approval.js';
import { validateCutplan, type Cutplan } from '../../src/domain/cutplan.js';
import type { RunView } from '../../src/runner/run-view.js';

/** A valid plan of `n` rows under `prefix/`. */
export function samplePlan(n = 3, prefix = 'handbook/test'): Cutplan {
  return validateCutplan(
    Array.from({ length: n }, (_, i) => ({
      address: `${prefix}/section-${i + 1}`,
      title: `Section ${i + 1}`,
      body: `Body of section ${i + 1}.\n\nIt says something governed.`,
    })),
  );
}

/** Two approvers with real Ed25519 keys; generated once per test file. */
export const keys: Readonly<Record<'alice' | 'bob' | 'mallory', ApproverKeyPair>> = {
  alice: generateApproverKeyPair(),
  bob: generateApproverKeyPair(),
  mallory: generateApproverKeyPair(),
};

/** Alice and Bob may approve; Mallory has a key but is not configured. */
export const policy: ApprovalPolicy = {
  approvers: { alice: keys.alice.publicKey, bob: keys.bob.publicKey },
};

const HOUR = 3_600_000;

/** A valid, signed approval for the gate the run waits at, by `approver`, with optional overrides of the claims. */
export function approvalFor(
  view: RunView,
  gate: Gate,
  approver: string = 'alice',
  overrides: Partial<ApprovalClaims> = {},
  signer?: keyof typeof keys,
): Approval {
  const changeSet = view.context.changeSet;
  if (changeSet === null) throw new Error('the run has no change set yet');
  const now = Date.now();
  const claims: ApprovalClaims = {
    gate,
    runId: view.context.runId,
    changeSetId: changeSet.changeSetId,
    planHash: changeSet.planHash,
    approver,
    reason: `${approver} reviewed the change set`,
    issuedAt: new Date(now - 1000).toISOString(),
    expiresAt: new Date(now + HOUR).toISOString(),
    ...(gate === 'SG_2' ? { reviewDecisionId: 'RD-2026-042' } : {}),
    ...overrides,
  };
  // Approvers without a key of their own (the initiator, say) sign with Mallory's: unknown to the policy.
  const key = keys[signer ?? (Object.hasOwn(keys, approver) ? (approver as keyof typeof keys) : 'mallory')];
  return signApproval(claims, key.privateKey);
}
