import { signApproval } from '../../src/approvals/index.js';
import type { Run } from '../../src/runner/create-run.js';
import type { RunView } from '../../src/runner/run-view.js';

/** Approver key pairs by name, as the crash tests make them (alice approves SG_1, bob SG_2). */
type Keys = Readonly<Record<'alice' | 'bob', { readonly privateKey: string }>>;

/**
 * Approves a resumed run at every gate it parks at (SG_1 by alice, SG_2 by bob, with a review decision) until it stops
 * at no gate, and returns where it stopped: for tests that carry a run a crashed process left to its end.
 */
export async function approveThroughGates(run: Run, keys: Keys): Promise<RunView> {
  for (let view = await run.settled(); view.gate === 'SG_1' || view.gate === 'SG_2'; view = await run.settled()) {
    const cs = view.context.changeSet;
    if (cs === null) throw new Error('no change set');
    const who = view.gate === 'SG_1' ? 'alice' : 'bob';
    run.approve(signApproval({
      gate: view.gate, runId: run.id, changeSetId: cs.changeSetId, planHash: cs.planHash, approver: who, reason: 'resume',
      issuedAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      ...(view.gate === 'SG_2' ? { reviewDecisionId: 'RD-CRASH' } : {}),
    }, keys[who].privateKey));
  }
  return run.settled();
}
