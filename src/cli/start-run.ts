import type { Cutplan } from '../domain/cutplan.js';
import type { PinnedPlanFacts } from '../domain/pinned-plan-facts.js';
import { riskRulesOf } from '../runner/bind-machine.js';
import { pinnedRunPlan } from '../runner/run-plan.js';
import type { Mode } from '../domain/mode.js';
import type { SimulatedAddress } from '../executors/simulator.js';
import type { RunInspector } from '../runner/run-inspection.js';
import { createDurableRun } from '../runs/durable-run.js';
import { exitCodeForView, type ExitCode } from './exit-codes.js';
import { killSwitchesOf, nextStepsOf } from './next-steps-of.js';
import { printNextSteps, printRun, runJson } from './print-run.js';
import { reportRunProgress } from './run-reporter.js';
import type { RunSession } from './run-session.js';
import type { Terminal } from './terminal.js';

/** What `cutter run` and `cutter revert` start: a planned change set, in a mode, by someone. */
export interface StartRun {
  readonly mode: Mode;
  /** The plan's rows, or (a LIVE run planned from streamed sources) the facts of the plan pinned for the run. */
  readonly plan: Cutplan | PinnedPlanFacts;
  /** What the target holds at the plan's addresses (a DRYRUN predicts from it). */
  readonly target: ReadonlyMap<string, SimulatedAddress>;
  readonly initiator: string;
  readonly json: boolean;
  readonly command: string;
  readonly expectedPlanHash?: string;
  readonly inspect?: RunInspector | undefined;
}

/**
 * A LIVE run parks at SG_1 whatever the kill switch says, but with it OFF the cut cannot start: say so at once, on
 * stderr, with how to turn each switch ON, rather than let the operator find out at the approval.
 */
async function warnIfKillSwitchOff(session: RunSession, terminal: Terminal, runId: string): Promise<void> {
  const switches = await killSwitchesOf(session.target, session.killSwitch);
  const off = [
    ...(switches.database === true ? [] : [`the target's kill switch is ${switches.database === null ? 'unreadable' : 'OFF'}: cutter kill-switch on --as <name> --reason "<why>"`]),
    ...(switches.process ? [] : ['this process\'s kill switch is OFF: export CUTTER_EXECUTION_ENABLED=on (in the shell that approves or resumes)']),
  ];
  if (off.length === 0) return;
  terminal.error(`${terminal.yellow('warning')}: the kill switch is OFF, so the cut of ${runId} cannot start: SG_1 does not open (E_KILL_SWITCH_OFF) until it is ON. To turn it on:`);
  for (const line of off) terminal.error(`  ${line}`);
}

/** Starts a stored run of the plan, carries it to its first gate (or end), prints it, and gives the run back. */
export async function startStoredRun(session: RunSession, terminal: Terminal, setExit: (code: ExitCode) => void, start: StartRun): Promise<void> {
  const pinned = 'planHash' in start.plan ? start.plan : null;
  const run = await createDurableRun({
    store: session.store, mode: start.mode, ...(pinned === null ? { plan: start.plan as Cutplan } : { pinnedPlan: pinned }), initiator: start.initiator, approvals: session.policy,
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
  const risk = pinned === null ? riskRulesOf(session.policy, start.plan as Cutplan) : (await pinnedRunPlan(pinned, session.policy)).riskRules;
  const next = await nextStepsOf(session.target, session.policy, session.killSwitch, view, risk);
  if (start.mode === 'LIVE' && view.parked) await warnIfKillSwitchOff(session, terminal, view.context.runId);
  if (start.json) terminal.line(JSON.stringify({ ...runJson(view), next }, null, 2));
  else {
    printRun(view, terminal);
    printNextSteps(next, terminal);
  }
  setExit(exitCodeForView(view));
}
