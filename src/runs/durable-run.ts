import { randomUUID } from 'node:crypto';
import type { Snapshot } from 'xstate';
import { RUN_SNAPSHOT_VERSION } from '../../machines/snapshot-version.js';
import { planHashOf } from '../domain/change-set.js';
import { Mode } from '../domain/mode.js';
import { createRun, type CreateRunOptions, type Run } from '../runner/create-run.js';
import { RunNotFound, RunNotPlanned, SnapshotVersionMismatch } from './errors.js';
import type { RunStore } from './run-store.js';
import { storeJournal } from './store-journal.js';

export interface DurableRunOptions extends Omit<CreateRunOptions, 'journal' | 'snapshot'> {
  readonly store: RunStore;
}

/**
 * Creates a run that records itself in a store after every step (plan, snapshot with its format version, and the
 * journal of every event), so that any process can restore it with {@link restoreRun}.
 *
 * @example
 * const run = await createDurableRun({ ...options, store: new PostgresRunStore(target.admin) });
 * run.start();
 * await run.settled(); // parked at SG_1, and durable: this process may now exit
 */
export async function createDurableRun(options: DurableRunOptions): Promise<Run> {
  const runId = options.runId ?? randomUUID();
  // A LIVE run whose executor pins the plan in the database this store reads keeps its plan there only: the rows
  // cross the wire once, at planning, and the plan is hashed once, as it is pinned.
  const pinnedInTarget = options.mode === Mode.Live && options.executor?.pinPlan !== undefined && options.store.readsPinnedPlans === true;
  await options.store.create({
    runId, mode: options.mode, initiator: options.initiator, snapshotVersion: RUN_SNAPSHOT_VERSION,
    ...(pinnedInTarget ? { planHash: null, plan: null } : { planHash: planHashOf(options.plan), plan: options.plan }),
  });
  return createRun({ ...options, runId, journal: storeJournal(options.store, runId) });
}

export interface RestoreRunOptions extends Omit<CreateRunOptions, 'journal' | 'snapshot' | 'plan' | 'mode' | 'initiator' | 'runId' | 'expectedPlanHash'> {
  readonly store: RunStore;
  readonly runId: string;
}

/**
 * Restores a stored run in this process, bound afresh to this process's executor, kill switch and approval policy.
 * A phase that was in flight when the run was stored runs again; the live adapter replays it from its record if it
 * had committed, so nothing is applied twice. A snapshot of another format version is refused.
 */
export async function restoreRun(options: RestoreRunOptions): Promise<Run> {
  const loaded = await options.store.load(options.runId);
  if (loaded === null) throw new RunNotFound(options.runId);
  const { run, plan, snapshot } = loaded;
  if (run.snapshotVersion !== RUN_SNAPSHOT_VERSION) throw new SnapshotVersionMismatch(run.runId, run.snapshotVersion, RUN_SNAPSHOT_VERSION);
  if (plan === null) throw new RunNotPlanned(run.runId);
  const journaled = await options.store.journal(run.runId);
  const nextSeq = (journaled.at(-1)?.seq ?? 0) + 1;
  return createRun({
    ...options,
    runId: run.runId,
    mode: run.mode,
    plan,
    initiator: run.initiator,
    ...(run.planHash === null ? {} : { expectedPlanHash: run.planHash }),
    journal: storeJournal(options.store, run.runId, nextSeq),
    ...(snapshot === null ? {} : { snapshot: snapshot as Snapshot<unknown> }),
  });
}
