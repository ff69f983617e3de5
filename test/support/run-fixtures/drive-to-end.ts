import type { Run } from '../../../src/runner/create-run.js';
import type { RunView } from '../../../src/runner/run-view.js';
import { approvalFor } from '../fixtures.js';

/** Who answers each gate when a fixture's run is driven on (the fixtures' policy: alice and bob). */
const APPROVER = { SG_1: 'alice', SG_2: 'bob', SG_3: 'erin' } as const;

/**
 * Carries a restored run to its end the way an operator would, with the kill switch ON: a run that was never started
 * is started, each gate is approved, a halted run is resumed, a run whose phase was in flight continues it. Returns
 * the final view and the steps taken. Fails if the run stops making progress.
 */
export async function driveToEnd(run: Run): Promise<{ view: RunView; steps: string[] }> {
  const steps: string[] = [];
  let view = run.view();
  if (view.state === 'idle') {
    run.start();
    steps.push('start');
  }
  for (let turn = 0; turn < 12; turn += 1) {
    view = await run.settled();
    if (view.status !== 'active') return { view, steps };
    if (view.gate !== null) {
      const outcome = run.approve(approvalFor(view, view.gate, APPROVER[view.gate], { reason: `fixture drive at ${view.gate}` }));
      if (!outcome.accepted) throw new Error(`the approval at ${view.gate} was refused: ${outcome.code} ${outcome.reason}`);
      steps.push(`approve ${view.gate}`);
    } else if (view.state === 'halted') {
      run.resume('dave');
      steps.push('resume');
    } else {
      throw new Error(`the run is parked at ${view.state}, which this driver does not know how to carry on`);
    }
  }
  throw new Error(`the run did not end after 12 steps (at ${view.state})`);
}
