import { runMachine } from '../../machines/run-machine.js';
import { describeStatechart } from '../chart/index.js';
import { readKillSwitch, type KillSwitch } from '../kill-switch/index.js';
import { nextSteps, type NextStep } from '../policy/next-steps.js';
import { resolvePolicy, type ApprovalPolicy } from '../policy/resolve.js';
import type { OpenTarget } from '../postgres/open-target.js';
import type { RunView } from '../runner/run-view.js';

/** Both kill switches as of now: the database's row (null when it cannot be read) and this process's. */
export async function killSwitchesOf(target: OpenTarget, killSwitch: KillSwitch): Promise<{ readonly database: boolean | null; readonly process: boolean }> {
  const database = await target.admin(async (s) => (await s.query<{ enabled: boolean }>('SELECT enabled FROM cutter.kill_switch')).rows[0]?.enabled ?? false).catch(() => null);
  return { database, process: readKillSwitch(killSwitch) };
}

/**
 * What a parked run can do next and what each step needs as of now: the chart, the policy in force, and both kill
 * switches (this process's and the database's row; unreadable counts as not ON). Empty for a run that is not parked.
 */
export async function nextStepsOf(target: OpenTarget, policy: ApprovalPolicy, killSwitch: KillSwitch, view: RunView, riskRules: readonly string[]): Promise<NextStep[]> {
  if (!view.parked) return [];
  const switches = await killSwitchesOf(target, killSwitch);
  return nextSteps({
    graph: describeStatechart(runMachine),
    view,
    policy: resolvePolicy(policy),
    riskRules,
    now: new Date(),
    killSwitchOn: switches.database === null ? null : switches.database && switches.process,
  });
}
