import { randomUUID } from 'node:crypto';
import type { Snapshot } from 'xstate';
import { planHashOf } from '../domain/change-set.js';
import { revalidateCutplan, type Cutplan } from '../domain/cutplan.js';
import { Mode } from '../domain/mode.js';
import { silentLogger } from '../logging/logger.js';
import { checkDurableRunOptions, checkRestoreRunOptions } from '../runner/check-run-options.js';
import { createRunOf, type CreateRunOptions, type Run } from '../runner/create-run.js';
import { viewOfStored } from '../runner/run-view.js';
import { RunEndedUnderEarlierRelease, RunNotFound } from './errors.js';
import { InvalidInput } from '../errors/index.js';
import type { PinnedPlanFacts } from '../domain/pinned-plan-facts.js';
import { pinnedRunPlan, type PinnedRunPlan } from '../runner/run-plan.js';
import { holdClaimOf, holdRun, keptHold, type HoldOptions, type RunHold } from './run-hold.js';
import { WriteDurability, type RunStore, type WriteFence } from './run-store.js';
import { loadForRestore, planToRestore } from './restore-plan.js';
import { storeJournal } from './store-journal.js';
import { CURRENT_RELEASE, type MachineRelease } from './upgrade/release.js';
import { migratedEvent } from './upgrade/upgrade-journal.js';
import { upgradeSnapshot, type SnapshotUpgrade } from './upgrade/upgrade-snapshot.js';

export interface DurableRunOptions extends Omit<CreateRunOptions, 'journal' | 'snapshot' | 'holdToken' | 'plan'> {
  /** The plan's rows. Give either this or `pinnedPlan`. */
  readonly plan?: Cutplan;
  /**
   * A LIVE run's plan pinned in the target by pinSourceRows, known by its facts: the run never holds its rows. Its
   * `runId` is the run's (give no other), its executor must work from a pin and its store read the pins of the same
   * database (the Postgres adapter and run store).
   */
  readonly pinnedPlan?: PinnedPlanFacts;
  readonly store: RunStore;
  /** How this process holds the run while it acts on it (one writer per run); see {@link HoldOptions}. */
  readonly hold?: HoldOptions;
}

/**
 * Creates a run that records itself in a store after every step (plan, snapshot with its format version, and the
 * journal of every event), so that any process can restore it with {@link restoreRun}. This process holds the run
 * until `run.release()`: call it when done with the run (it is parked or ended), so another process may act on it.
 * Its options and plan are validated as {@link createRun} validates them, before anything is stored.
 *
 * @throws {InvalidInput} naming the option at fault; {@link PlanInvalid} naming each bad row and field.
 * @example
 * const run = await createDurableRun({ ...options, store: new PostgresRunStore(target.admin) });
 * run.start();
 * await run.settled(); // parked at SG_1, and durable: this process may now exit
 */
export async function createDurableRun(options: DurableRunOptions, release: MachineRelease = CURRENT_RELEASE): Promise<Run> {
  checkDurableRunOptions(options);
  const facts = options.pinnedPlan;
  if (facts !== undefined) return createPinnedDurableRun(options, facts, release);
  // Validated before the store sees it: a plan planning would refuse is never stored, nor pinned.
  const plan = revalidateCutplan(options.plan);
  const runId = options.runId ?? randomUUID();
  // A LIVE run whose executor pins the plan in the database this store reads keeps its plan there only: the rows
  // cross the wire once, at planning, and the plan is hashed once, as it is pinned.
  const pinnedInTarget = storeSharesTargetLog(options.mode, options);
  const create = () => options.store.create({
    runId, mode: options.mode, initiator: options.initiator, snapshotVersion: release.version,
    ...(pinnedInTarget ? { planHash: null, plan: null } : { planHash: planHashOf(plan), plan }),
  });
  return createStored(options, { plan }, runId, create, release, pinnedInTarget);
}

/** A run of a plan already pinned in the target (pinSourceRows): its row is stored without a plan; the pin is its plan. */
async function createPinnedDurableRun(options: DurableRunOptions, facts: PinnedPlanFacts, release: MachineRelease): Promise<Run> {
  if (options.plan !== undefined) throw new InvalidInput('pinnedPlan', 'give either plan or pinnedPlan, not both');
  if (options.runId !== undefined && options.runId !== facts.runId) throw new InvalidInput('runId', `must be the pinned plan's run (${facts.runId}) or absent`);
  if (options.store.readsPinnedPlans !== true) throw new InvalidInput('store', 'does not read plans pinned in the target: a run of a pinned plan needs the run store of the target it is pinned in');
  const pinnedPlan = await pinnedRunPlan(facts, options.approvals);
  const create = () => options.store.create({ runId: facts.runId, mode: options.mode, initiator: options.initiator, snapshotVersion: release.version, planHash: null, plan: null });
  return createStored(options, { pinnedPlan }, facts.runId, create, release, true);
}

/** Stores the run's row and takes its hold, and builds the run (the plan given as createRunOf takes it). */
async function createStored(
  options: DurableRunOptions,
  plan: { plan: Cutplan } | { pinnedPlan: PinnedRunPlan },
  runId: string,
  create: () => Promise<void>,
  release: MachineRelease,
  pinnedInTarget: boolean,
): Promise<Run> {
  const { pinnedPlan: _facts, plan: _rows, ...rest } = options;
  const runOptions = { ...rest, ...plan } as CreateRunOptions;
  if (options.runId !== undefined) {
    await create();
    const hold = await holdRun(options.store, runId, options.hold);
    const journal = storeJournal(options.store, runId, 1, fenceOf(release, hold), { sharesTargetLog: pinnedInTarget });
    return withHold(createRunOf(release, { ...runOptions, runId, journal, ...holdTokenOf(hold) }), hold);
  }
  // A run id made here is nobody's yet: its row and its hold are written at once, and the run (its machine bound to this
  // run: CPU work) is built while they are; its journal writes nothing before both are.
  const token = options.store.hold === undefined ? undefined : randomUUID();
  // A pinned run's row is all of it: with its hold, one statement, committed without waiting for the log flush (the
  // store lives in the target, where planning's commit, or the write that parks or ends the run, follows and flushes it).
  const createHeld = pinnedInTarget ? options.store.createHeld?.bind(options.store) : undefined;
  const stored = createHeld === undefined || token === undefined
    ? createAndHold(create, () => holdRun(options.store, runId, options.hold, token))
    : (async () => {
        const claim = holdClaimOf(options.hold ?? {}, token);
        await createHeld({ runId, mode: options.mode, initiator: options.initiator, snapshotVersion: release.version }, claim, WriteDurability.WithNextCommit);
        return keptHold(options.store, runId, claim);
      })();
  // Let the statements leave (their sessions taken, sent) before the CPU work starts, so the database works meanwhile.
  // Their outcome is awaited below; this only keeps a fast failure from counting as unhandled in between.
  stored.catch(() => undefined);
  await new Promise((resolve) => setImmediate(resolve));
  const fence: WriteFence = { snapshotVersion: release.version, ...(token === undefined ? {} : { holdToken: token }) };
  let run: Run;
  try {
    const journal = storeJournal(options.store, runId, 1, fence, { ready: stored, sharesTargetLog: pinnedInTarget });
    run = createRunOf(release, { ...runOptions, runId, journal, ...(token === undefined ? {} : { holdToken: token }) });
  } catch (error) {
    await stored.then((hold) => hold?.release(), () => undefined);
    throw error;
  }
  try {
    return withHold(run, await stored);
  } catch (error) {
    run.stop();
    throw error;
  }
}

export interface RestoreRunOptions extends Omit<CreateRunOptions, 'journal' | 'snapshot' | 'plan' | 'mode' | 'initiator' | 'runId' | 'expectedPlanHash' | 'holdToken'> {
  readonly store: RunStore;
  readonly runId: string;
  /** How this process holds the run while it acts on it (one writer per run); see {@link HoldOptions}. */
  readonly hold?: HoldOptions;
}

/** The run's row and its hold, written at once (two commits side by side); if the row cannot be written, the hold is given back. */
async function createAndHold(create: () => Promise<void>, hold: () => Promise<RunHold | null>): Promise<RunHold | null> {
  const [created, held] = await Promise.allSettled([create(), hold()]);
  if (created.status === 'rejected') {
    if (held.status === 'fulfilled') await held.value?.release().catch(() => undefined);
    throw created.reason;
  }
  if (held.status === 'rejected') throw held.reason;
  return held.value;
}

/**
 * True when the store lives in the database the run's LIVE executor writes to: it reads the plans that executor pins
 * there (see {@link RunStore.readsPinnedPlans}). Its commits and the phases' then share one write-ahead log.
 */
function storeSharesTargetLog(mode: Mode, options: { readonly store: RunStore; readonly executor?: CreateRunOptions['executor'] }): boolean {
  return mode === Mode.Live && options.executor?.pinPlan !== undefined && options.store.readsPinnedPlans === true;
}

const fenceOf = (release: MachineRelease, hold: RunHold | null): WriteFence => ({ snapshotVersion: release.version, ...holdTokenOf(hold) });
const holdTokenOf = (hold: RunHold | null): { holdToken?: string } => (hold === null ? {} : { holdToken: hold.token });

/**
 * The run, whose `release` also gives the hold back, after everything it recorded is stored; `stop` gives it back too
 * (a phase still in flight keeps it from being taken until its transaction ends: the phase locks the hold).
 */
function withHold(run: Run, hold: RunHold | null): Run {
  if (hold === null) return run;
  return {
    ...run,
    async release() {
      try {
        await run.release();
      } finally {
        await hold.release();
      }
    },
    stop() {
      run.stop();
      hold.release().catch(() => undefined);
    },
  };
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
 *
 * One writer per run: this process holds the run from before it reads it until `run.release()`. A run another
 * process holds is refused at once (`E_RUN_BUSY`, naming that process), or after `hold.waitMs`, and nothing changes.
 *
 * Its options are checked before the store is touched, and the stored plan is validated as {@link createRun}
 * validates a plan (a store is the host's, and may hand back anything) before anything is written for the run.
 *
 * @throws {InvalidInput} naming the option at fault; {@link PlanInvalid} naming each bad row and field of the stored plan.
 */
export async function restoreRun(options: RestoreRunOptions, release: MachineRelease = CURRENT_RELEASE): Promise<Run> {
  checkRestoreRunOptions(options);
  const hold = await holdRun(options.store, options.runId, options.hold);
  try {
    return withHold(await restoreHeld(options, release, hold), hold);
  } catch (error) {
    await hold?.release();
    throw error;
  }
}

async function restoreHeld(options: RestoreRunOptions, release: MachineRelease, hold: RunHold | null): Promise<Run> {
  // Two processes may meet the same old run: the one whose migration is stored first wins, the other reads it again.
  for (let attempt = 1; ; attempt += 1) {
    const loaded = await loadForRestore(options);
    if (loaded === null) throw new RunNotFound(options.runId);
    const { run } = loaded;
    const upgrade = upgradeSnapshot(run.runId, loaded.snapshot, run.snapshotVersion, release);
    if (upgrade.snapshot === null && loaded.snapshot !== null) {
      throw new RunEndedUnderEarlierRelease(run.runId, run.state, run.snapshotVersion, release.version, upgrade.kind === 'stranded' ? upgrade.reason : 'no snapshot');
    }
    const plan = await planToRestore(options, loaded, upgrade.snapshot);
    const journaled = await options.store.journal(run.runId);
    let nextSeq = (journaled.at(-1)?.seq ?? 0) + 1;
    if (upgrade.kind !== 'current') {
      if (!(await storeMigration(options, release, upgrade, nextSeq, run, hold))) {
        if (attempt < 3) continue;
        throw new Error(`run ${run.runId} kept changing version while it was being migrated`);
      }
      nextSeq += 1;
    }
    return createRunOf(release, {
      ...options,
      runId: run.runId,
      mode: run.mode,
      ...plan,
      initiator: run.initiator,
      ...(run.planHash === null ? {} : { expectedPlanHash: run.planHash }),
      journal: storeJournal(options.store, run.runId, nextSeq, fenceOf(release, hold), { sharesTargetLog: storeSharesTargetLog(run.mode, options) }),
      ...holdTokenOf(hold),
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
  hold: RunHold | null,
): Promise<boolean> {
  const view = upgrade.snapshot === null ? null : viewOfStored(release.machine, upgrade.snapshot);
  const stored = await options.store.migrate(run.runId, {
    ...holdTokenOf(hold),
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
