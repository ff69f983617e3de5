import type { PersistedRun } from '../../machines/snapshot-migrations.js';
import { planHashOf } from '../domain/change-set.js';
import { revalidateCutplan, type Cutplan } from '../domain/cutplan.js';
import { Mode } from '../domain/mode.js';
import { pinnedRunPlan, type PinnedRunPlan } from '../runner/run-plan.js';
import type { RestoreRunOptions } from './durable-run.js';
import { ApprovedPlanChanged, RunNotPlanned } from './errors.js';
import { findRun, type StoredRun } from './run-store.js';

export type Loaded = { run: StoredRun; snapshot: unknown; plan?: Cutplan | null };

/**
 * The stored run to restore: without its plan where its plan can be read from the pin instead (a LIVE run pinned in
 * the target, restored with an executor that works from a pin), else with it.
 */
export async function loadForRestore(options: RestoreRunOptions): Promise<Loaded | null> {
  if (!restoresFromPin(options)) return options.store.load(options.runId);
  return findRun(options.store, options.runId);
}

const restoresFromPin = (options: RestoreRunOptions): boolean =>
  options.store.pinnedPlanFacts !== undefined && options.store.readsPinnedPlans === true
  && options.executor?.cutPinned !== undefined && options.executor.enactPinned !== undefined && options.executor.findPinnedPlan !== undefined;

/**
 * The plan the run is restored with: its pin's facts (a LIVE run whose plan is pinned in the target, read back a page
 * at a time), else its rows. Either is checked against the plan hash its change set was pinned with, and its
 * approvals bind: the plan comes back from the target, where it could have been changed since.
 */
export async function planToRestore(options: RestoreRunOptions, loaded: Loaded, snapshot: PersistedRun | null): Promise<{ plan: Cutplan } | { pinnedPlan: PinnedRunPlan }> {
  const { run } = loaded;
  // A LIVE run planned in the target has its plan there only: a pin, read back a page at a time.
  const facts = loaded.plan === undefined && run.mode === Mode.Live ? await options.store.pinnedPlanFacts?.(run.runId) ?? null : null;
  if (facts !== null) {
    assertApprovedPlan(run.runId, snapshot, facts.planHash);
    return { pinnedPlan: await pinnedRunPlan(facts, options.approvals) };
  }
  const stored = loaded.plan === undefined ? (await options.store.load(run.runId))?.plan ?? null : loaded.plan;
  if (stored === null) throw new RunNotPlanned(run.runId);
  const plan = revalidateCutplan(stored);
  assertApprovedPlan(run.runId, snapshot, planHashOf(plan));
  return { plan };
}

/** The plan a run is restored with hashes to the plan hash its change set was pinned with (if it was pinned). */
function assertApprovedPlan(runId: string, snapshot: PersistedRun | null, planHash: string): void {
  const changeSet = snapshot?.context.changeSet as { planHash?: unknown } | null | undefined;
  if (typeof changeSet?.planHash !== 'string') return;
  if (planHash !== changeSet.planHash) throw new ApprovedPlanChanged(runId, changeSet.planHash, planHash);
}
