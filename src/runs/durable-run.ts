import { randomUUID } from 'node:crypto';
import type { Snapshot } from 'xstate';
import { planHashOf } from '../domain/change-set.js';
import { Mode } from '../domain/mode.js';
import { silentLogger } from '../logging/logger.js';
import { createRunOf, type CreateRunOptions, type Run } from '../runner/create-run.js';
import { viewOfStored } from '../runner/run-view.js';
import { RunEndedUnderEarlierRelease, RunNotFound, RunNotPlanned } from './errors.js';
import type { RunStore } from './run-store.js';
import { storeJournal } from './store-journal.js';
import { CURRENT_RELEASE, type MachineRelease } from './upgrade/release.js';
import { migratedEvent } from './upgrade/upgrade-journal.js';
import { upgradeSnapshot, type SnapshotUpgrade } from './upgrade/upgrade-snapshot.js';

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
export async function createDurableRun(options: DurableRunOptions, release: MachineRelease = CURRENT_RELEASE): Promise<Run> {
  const runId = options.runId ?? randomUUID();
  // A LIVE run whose executor pins the plan in the database this store reads keeps its plan there only: the rows
  // cross the wire once, at planning, and the plan is hashed once, as it is pinned.
  const pinnedInTarget = options.mode === Mode.Live && options.executor?.pinPlan !== undefined && options.store.readsPinnedPlans === true;
  await options.store.create({
    runId, mode: options.mode, initiator: options.initiator, snapshotVersion: release.version,
    ...(pinnedInTarget ? { planHash: null, plan: null } : { planHash: planHashOf(options.plan), plan: options.plan }),
  });
  return createRunOf(release, { ...options, runId, journal: storeJournal(options.store, runId, 1, release.version) });
}

export interface RestoreRunOptions extends Omit<CreateRunOptions, 'journal' | 'snapshot' | 'plan' | 'mode' | 'initiator' | 'runId' | 'expectedPlanHash'> {
  readonly store: RunStore;
  readonly runId: string;
}

/**
 * Restores a stored run in this process, bound afresh to this process's executor, kill switch and approval policy.
 * A phase that was in flight when the run was stored runs again; the live adapter replays it from its record if it
 * had committed, so nothing is applied twice.
 *
 * A run stored by an earlier release of the machine is first brought to this one (see {@link upgradeSnapshot}); the
 * migration is stored with a `cutter.migrated` journal entry naming both versions and this process, before anything
 * else happens to the run. A run this release cannot carry on is stored `stranded`, from where it can only be
 * cancelled (to SG_3 if it may have written); its error says why. A run stored by a newer release is refused
 * (`E_SNAPSHOT_VERSION`) and left exactly as it is.
 */
export async function restoreRun(options: RestoreRunOptions, release: MachineRelease = CURRENT_RELEASE): Promise<Run> {
  // Two processes may meet the same old run: the one whose migration is stored first wins, the other reads it again.
  for (let attempt = 1; ; attempt += 1) {
    const loaded = await options.store.load(options.runId);
    if (loaded === null) throw new RunNotFound(options.runId);
    const { run, plan } = loaded;
    const upgrade = upgradeSnapshot(run.runId, loaded.snapshot, run.snapshotVersion, release);
    if (upgrade.snapshot === null && loaded.snapshot !== null) {
      throw new RunEndedUnderEarlierRelease(run.runId, run.state, run.snapshotVersion, release.version, upgrade.kind === 'stranded' ? upgrade.reason : 'no snapshot');
    }
    if (plan === null) throw new RunNotPlanned(run.runId);
    const journaled = await options.store.journal(run.runId);
    let nextSeq = (journaled.at(-1)?.seq ?? 0) + 1;
    if (upgrade.kind !== 'current') {
      if (!(await storeMigration(options, release, upgrade, nextSeq, run))) {
        if (attempt < 3) continue;
        throw new Error(`run ${run.runId} kept changing version while it was being migrated`);
      }
      nextSeq += 1;
    }
    return createRunOf(release, {
      ...options,
      runId: run.runId,
      mode: run.mode,
      plan,
      initiator: run.initiator,
      ...(run.planHash === null ? {} : { expectedPlanHash: run.planHash }),
      journal: storeJournal(options.store, run.runId, nextSeq, release.version),
      ...(upgrade.snapshot === null ? {} : { snapshot: upgrade.snapshot as unknown as Snapshot<unknown> }),
    });
  }
}

/** Stores a migration (journal entry, snapshot, version) if the run is still at its old version; logs it. */
async function storeMigration(
  options: RestoreRunOptions,
  release: MachineRelease,
  upgrade: Exclude<SnapshotUpgrade, { kind: 'current' }>,
  seq: number,
  run: { readonly runId: string; readonly state: string; readonly status: string },
): Promise<boolean> {
  const view = upgrade.snapshot === null ? null : viewOfStored(release.machine, upgrade.snapshot);
  const stored = await options.store.migrate(run.runId, {
    from: upgrade.from,
    to: upgrade.to,
    entry: { seq, at: new Date().toISOString(), event: migratedEvent(upgrade) as unknown as Parameters<RunStore['migrate']>[1]['entry']['event'] },
    snapshot: upgrade.snapshot,
    state: view?.state ?? run.state,
    status: view === null ? run.status : (view.output?.status ?? view.status),
  });
  if (stored) {
    const logger = (options.logger ?? silentLogger).child({ runId: run.runId });
    if (upgrade.kind === 'stranded') logger.warn({ from: upgrade.from, to: upgrade.to, reason: upgrade.reason }, 'run stranded by the upgrade: it can only be cancelled');
    else logger.info({ from: upgrade.from, to: upgrade.to, steps: upgrade.steps }, 'run migrated to this snapshot version');
  }
  return stored;
}
