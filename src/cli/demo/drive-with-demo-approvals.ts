import type { Run } from '../../runner/create-run.js';
import type { RunView } from '../../runner/run-view.js';
import type { demoApprovers } from '../demo-approvers.js';
import type { Terminal } from '../terminal.js';

/** Starts a run and answers SG_1 and SG_2 with signed demo approvals; stops at anything else. */
export async function driveWithDemoApprovals(run: Run, approvers: ReturnType<typeof demoApprovers>, terminal: Terminal, quiet: boolean): Promise<RunView> {
  run.start();
  for (let view = await run.settled(); view.gate === 'SG_1' || view.gate === 'SG_2'; view = await run.settled()) {
    const outcome = run.approve(approvers.sign(view, view.gate));
    if (!outcome.accepted) {
      if (!quiet) terminal.line(`  ${terminal.dim('└')} ${view.gate} ${terminal.red('refused')}: ${outcome.reason}`);
      break;
    }
  }
  return run.settled();
}
