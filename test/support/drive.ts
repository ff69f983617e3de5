import { createRun, type CreateRunOptions, type Run } from '../../src/runner/create-run.js';
import type { RunView } from '../../src/runner/run-view.js';
import { approvalFor, policy, samplePlan } from './fixtures.js';

/** Creates and starts a run with test defaults, and waits until it parks at SG_1 (or ends). */
export async function startRun(options: Partial<CreateRunOptions> & Pick<CreateRunOptions, 'mode'>): Promise<{ run: Run; view: RunView }> {
  const run = createRun({ plan: samplePlan(3), initiator: 'carol', approvals: policy, ...options });
  run.start();
  return { run, view: await run.settled() };
}

/** Drives a run from SG_1 through SG_2 with valid approvals; returns the final view. */
export async function driveToCompletion(run: Run, atCut: RunView): Promise<RunView> {
  run.approve(approvalFor(atCut, 'SG_1', 'alice'));
  const atEnact = await run.settled();
  if (atEnact.gate !== 'SG_2') return atEnact;
  run.approve(approvalFor(atEnact, 'SG_2', 'bob'));
  return run.settled();
}
