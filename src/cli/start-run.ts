import type { Cutplan } from '../domain/cutplan.js';
import type { Mode } from '../domain/mode.js';
import type { SimulatedAddress } from '../executors/simulator.js';
import type { RunInspector } from '../runner/run-inspection.js';
import { createDurableRun } from '../runs/durable-run.js';
import { exitCodeForRun, type ExitCode } from './exit-codes.js';
import { nextStepsOf } from './next-steps-of.js';
import { printNextSteps, printRun, runJson } from './print-run.js';
import { reportRunProgress } from './run-reporter.js';
import type { RunSession } from './run-session.js';
import type { Terminal } from './terminal.js';

/** What `cutter run` and `cutter revert` start: a planned change set, in a mode, by someone. */
export interface StartRun {
  readonly mode: Mode;
  readonly plan: Cutplan;
  /** What the target holds at the plan's addresses (a DRYRUN predicts from it). */
  readonly target: ReadonlyMap<string, SimulatedAddress>;
  readonly initiator: string;
  readonly json: boolean;
  readonly command: string;
  readonly expectedPlanHash?: string;
  readonly inspect?: RunInspector | undefined;
}

/** Starts a stored run of the plan, carries it to its first gate (or end), prints it, and gives the run back. */
export async function startStoredRun(session: RunSession, terminal: Terminal, setExit: (code: ExitCode) => void, start: StartRun): Promise<void> {
  const run = await createDurableRun({
    store: session.store, mode: start.mode, plan: start.plan, initiator: start.initiator, approvals: session.policy,
    executor: session.executorFor(start.mode, start.target), killSwitch: session.killSwitch, logger: session.logger,
    hold: { command: start.command },
    ...(start.expectedPlanHash === undefined ? {} : { expectedPlanHash: start.expectedPlanHash }),
    ...(start.inspect === undefined ? {} : { inspect: start.inspect }),
  });
  const stop = start.json ? () => undefined : reportRunProgress(run, terminal);
  let view;
  try {
    run.start();
    view = await run.settled();
  } finally {
    stop();
    await run.release();
  }
  // A run that parks says at once what it needs next: the approvals its policy asks for, and a kill switch that is OFF.
  const next = await nextStepsOf(session.target, session.policy, session.killSwitch, view, start.plan);
  if (start.json) terminal.line(JSON.stringify({ ...runJson(view), next }, null, 2));
  else {
    printRun(view, terminal);
    printNextSteps(next, terminal);
  }
  setExit(exitCodeForRun(view.state, view.output?.status ?? null));
}
