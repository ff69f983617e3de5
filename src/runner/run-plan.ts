import type { Cutplan } from '../domain/cutplan.js';
import { Mode } from '../domain/mode.js';
import { InvalidInput } from '../errors/index.js';
import type { Executor } from '../executors/executor.js';
import type { CreateRunOptions } from './create-run.js';
import type { PinnedPlanFacts } from '../domain/pinned-plan-facts.js';
import { matchingRiskRulesOf } from '../policy/evaluate.js';
import { resolvePolicy, type ApprovalPolicy } from '../policy/resolve.js';

/**
 * What a run knows of its plan: its rows, held in the process (a DRYRUN run, a plan file, a host's cutplan), or a plan
 * pinned in the target and known by its facts (a LIVE run planned from streamed sources, or restored from its pin),
 * whose rows stay in the target. A pinned plan's risk rules are read before the run is bound (its addresses are in the
 * target, and the machine's guards are synchronous).
 */
export type RunPlan =
  | { readonly kind: 'rows'; readonly plan: Cutplan }
  | { readonly kind: 'pinned'; readonly facts: PinnedPlanFacts; readonly riskRules: readonly string[] };

/** A plan pinned in the target, as a run binds it. */
export type PinnedRunPlan = Extract<RunPlan, { kind: 'pinned' }>;

/** How many rows the plan has, retirements included. */
export function rowCountOf(plan: RunPlan): number {
  return plan.kind === 'rows' ? plan.plan.rows.length : plan.facts.rowCount;
}

/** A pinned plan ready to bind to a run: its risk rules under `policy` read from the target. */
export async function pinnedRunPlan(facts: PinnedPlanFacts, policy: ApprovalPolicy): Promise<PinnedRunPlan> {
  const riskRules = await matchingRiskRulesOf(resolvePolicy(policy).document, {
    rowCount: facts.rowCount, retireCount: facts.retireCount, revert: facts.reverts !== undefined, anyAddress: facts.anyAddress,
  });
  return { kind: 'pinned', facts, riskRules };
}

/**
 * {@link createRunOf}'s options for a LIVE run whose plan is pinned in the target and known by its facts (see
 * createDurableRun's `pinnedPlan`): no `plan`, the pinned plan with its risk rules read.
 */
export type PinnedRunOptions = Omit<CreateRunOptions, 'plan'> & {
  readonly plan?: undefined;
  readonly pinnedPlan: PinnedRunPlan;
};

/** A pinned plan is run only LIVE, by an executor that works from a pin (the Postgres adapter). */
export function checkPinnedPlan(mode: Mode, pinned: PinnedRunOptions['pinnedPlan'], executor: Executor): RunPlan {
  if (typeof pinned !== 'object' || (pinned as { kind?: unknown }).kind !== 'pinned') throw new InvalidInput('pinnedPlan', 'must be a pinned plan (see pinSourceRows)');
  if (mode !== Mode.Live) throw new InvalidInput('pinnedPlan', 'a plan pinned in the target is run LIVE only; a DRYRUN run needs the plan\'s rows');
  if (executor.findPinnedPlan === undefined || executor.cutPinned === undefined || executor.enactPinned === undefined) {
    throw new InvalidInput('pinnedPlan', `executor ${executor.name} cannot work from a plan pinned in the target: give the plan's rows instead`);
  }
  return pinned;
}
