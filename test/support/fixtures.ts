import { readFileSync } from 'node:fs';
import { signApproval, type ApprovalPolicy, type ApproverKeyPair } from '../../src/approvals/index.js';
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

/**
 * Four people with real Ed25519 keys, fixed in test/fixtures/approver-keys.json: the policy below, and so its hash,
 * is the same in every test process, as a run captured as a fixture needs (it is bound to the policy it was made under).
 */
export const keys: Readonly<Record<'alice' | 'bob' | 'erin' | 'mallory', ApproverKeyPair>> = JSON.parse(
  readFileSync(new URL('../fixtures/approver-keys.json', import.meta.url), 'utf8'),
) as Record<'alice' | 'bob' | 'erin' | 'mallory', ApproverKeyPair>;

/** Alice, Bob and Erin may approve (Carol starts runs); Mallory has a key but is not configured. One approval per gate, another person at each. */
export const policy: ApprovalPolicy = {
  approvers: { alice: keys.alice.publicKey, bob: keys.bob.publicKey, erin: keys.erin.publicKey },
};

/** Who approves each gate unless a test says otherwise: three people, since by default nobody approves two gates of a run. */
export const APPROVER_OF: Readonly<Record<Gate, 'alice' | 'bob' | 'erin'>> = { SG_1: 'alice', SG_2: 'bob', SG_3: 'erin' };

const HOUR = 3_600_000;

/** A valid, signed approval for the gate the run waits at, by `approver`, with optional overrides of the claims. */
export function approvalFor(
  view: RunView,
  gate: Gate,
  approver: string = APPROVER_OF[gate],
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
