import type { Cutplan } from '../domain/cutplan.js';
import type { PinnedPlanFacts } from '../domain/pinned-plan-facts.js';
import type { Mode } from '../domain/mode.js';
import type { JournalEvent } from '../runner/run-journal.js';
import type { RunHolder } from './errors.js';

/** What risk rules look at in a plan pinned in the target: its sizes, whether it reverts, and its addresses on demand. */
export interface PinnedRiskFacts {
  readonly rowCount: number;
  readonly retireCount: number;
  readonly revert: boolean;
  readonly anyAddress: PinnedPlanFacts['anyAddress'];
}

/** How many rows a plan has, and how many carry each action (none, for a plan not classified against a target). */
export interface PlanCounts {
  readonly rows: number;
  readonly new: number;
  readonly changed: number;
  readonly retire: number;
}

/** A page of a plan's addresses: what a report shows of it. */
export interface PlanPage {
  readonly rows: readonly { readonly address: string; readonly action: string | null }[];
  /** How many rows the plan has. */
  readonly total: number;
}

/** A stored run, as listed. */
export interface StoredRun {
  readonly runId: string;
  readonly mode: Mode;
  readonly initiator: string;
  /** Null until planning pinned the plan, for a run whose plan the target holds (see {@link RunStore.readsPinnedPlans}). */
  readonly planHash: string | null;
  readonly state: string;
  readonly status: string;
  readonly snapshotVersion: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What a write to a run is conditioned on: the snapshot version of the machine that writes, and its hold's token. */
export interface WriteFence {
  readonly snapshotVersion: number;
  /** Given, the write happens only while this token holds the run (see {@link RunStore.hold}). */
  readonly holdToken?: string;
}

/** A process's claim to act on a run alone, for `ttlSeconds` unless renewed. */
export interface HoldClaim {
  readonly token: string;
  readonly pid: number;
  readonly host: string;
  /** What the process is doing: `cutter approve`, a host app's name. */
  readonly command: string;
  readonly ttlSeconds: number;
}

/** A migration to store (see {@link RunStore.migrate}). */
export interface StoredMigration {
  /** Given, the migration is stored only while this token holds the run. */
  readonly holdToken?: string;
  readonly from: number;
  readonly to: number;
  readonly entry: JournalEntry;
  readonly snapshot: unknown;
  readonly state: string;
  readonly status: string;
}

/**
 * When a write must be on disk. `now` (the default): before it resolves. `withNextCommit`: it may resolve once committed
 * and visible but before its log record is flushed, because a later synchronous commit in the same database flushes
 * the log in order, up to and past it: the next phase's own commit, or the write that parks or ends the run. Only for a
 * store that shares the target's write-ahead log; never for a write a process may exit after (a gate, an end).
 */
export const WriteDurability = { Now: 'now', WithNextCommit: 'withNextCommit' } as const;
export type WriteDurability = (typeof WriteDurability)[keyof typeof WriteDurability];

export interface JournalEntry {
  readonly seq: number;
  readonly at: string;
  readonly event: JournalEvent;
}

/**
 * Where runs are kept between processes. The Postgres store keeps them in the target database; the memory store
 * serves hosts and tests that need no durability.
 */
export interface RunStore {
  /**
   * True if this store reads a run's plan from the plan a LIVE executor pinned in the same database at planning (the
   * Postgres store, which lives in the target). {@link createDurableRun} then stores no plan of its own for such a run:
   * its rows cross the wire once.
   */
  readonly readsPinnedPlans?: boolean;
  /** `plan` and `planHash` are null for a run whose executor pins the plan where this store reads it. */
  create(run: { runId: string; mode: Mode; initiator: string; planHash: string | null; plan: Cutplan | null; snapshotVersion: number }): Promise<void>;
  /**
   * The writes below take a fence: given, a write happens only while the run is stored at its snapshot version and
   * (with a token) held by it, and otherwise rejects and writes nothing: `SnapshotVersionMismatch` (E_SNAPSHOT_VERSION)
   * so a process of an older release never rewrites a run a newer one has migrated, `RunBusy` (E_RUN_BUSY) so a
   * process that lost its hold never writes over the one that took it. A journal entry whose sequence is taken is
   * refused the same way (`RunBusy`), never a duplicate-key crash.
   */
  saveSnapshot(runId: string, snapshot: unknown, state: string, status: string, fence?: WriteFence): Promise<void>;
  appendJournal(runId: string, entries: readonly JournalEntry[], fence?: WriteFence): Promise<void>;
  /**
   * Optional: appends journal entries and saves the latest snapshot together, atomically (one transaction, one
   * commit), so a stored snapshot is never behind its journal. Stores without it get the two calls above, in order.
   * `durability` (Default: `now`) may let the write resolve before it is flushed (see {@link WriteDurability}); a store
   * that cannot tell the two apart writes it as `now`. `underway`, if given, is called once the write has its session
   * and its statement is about to be sent: from then on it waits for nothing but the locks of the rows it writes (the
   * run's row and journal), which no phase takes (see `RunJournal.underway`). A store that cannot tell may call
   * it when the write is done, or never.
   */
  record?(runId: string, entries: readonly JournalEntry[], latest: { snapshot: unknown; state: string; status: string } | null, fence?: WriteFence, durability?: WriteDurability, underway?: () => void): Promise<void>;
  /**
   * Optional: a run whose plan the target pins (`plan` and `planHash` null) stored together with this process's hold on
   * it, in one statement (one commit, one round trip), for a run id nobody else can know yet. `durability` as for
   * {@link RunStore.record}. Stores without it get `create` and `hold`.
   */
  createHeld?(run: { runId: string; mode: Mode; initiator: string; snapshotVersion: number }, claim: HoldClaim, durability?: WriteDurability): Promise<void>;
  /**
   * Optional: one writer per run. Takes the run for `claim.token` if no one holds it, its hold lapsed, or the token
   * already holds it (renewing it); else returns who holds it. Stores without it give no exclusion.
   */
  hold?(runId: string, claim: HoldClaim): Promise<{ readonly held: true } | { readonly held: false; readonly holder: RunHolder }>;
  /** Renews a hold; false if the token no longer holds the run. */
  renewHold?(runId: string, token: string, ttlSeconds: number): Promise<boolean>;
  /** Gives a hold back, if the token holds it. */
  releaseHold?(runId: string, token: string): Promise<void>;
  /**
   * Stores a run's migration to another snapshot version atomically: its journal entry, the migrated snapshot (null
   * for a run never started), its state and status, and the new version; only if the run is still stored at `from`.
   * Resolves false, having written nothing, if it is not (another process migrated it first).
   */
  migrate(runId: string, migration: StoredMigration): Promise<boolean>;
  /**
   * Optional: the run and its snapshot without its plan, for readers that need no plan (status, report, replay,
   * which mode to restore with). Cheaper than `load` for a large plan; {@link findRun} falls back to `load`.
   */
  find?(runId: string): Promise<{ run: StoredRun; snapshot: unknown } | null>;
  /**
   * Optional, with `find` and `readsPinnedPlans`: the facts of a LIVE run's plan pinned in the target, read back from
   * the pin a page at a time (its plan hash recomputed from the rows), so {@link restoreRun} never holds the rows.
   * Null if nothing is pinned for the run.
   */
  pinnedPlanFacts?(runId: string): Promise<PinnedPlanFacts | null>;
  /** Optional, as `pinnedPlanFacts`, but only what risk rules look at, without reading the rows' content. */
  pinnedRiskFacts?(runId: string): Promise<PinnedRiskFacts | null>;
  /**
   * Optional: the first `limit` addresses of the run's plan and their actions, in plan order, and how many it has,
   * without reading the rest (a report shows a page). Null if the store cannot page this run's plan or it has none.
   */
  planPage?(runId: string, limit: number): Promise<PlanPage | null>;
  /** Optional: how many rows of the run's plan carry each action, without reading the plan. Null if it has none. */
  planCounts?(runId: string): Promise<PlanCounts | null>;
  /** The plan is null if none is stored or pinned: the run stopped before planning pinned it. */
  load(runId: string): Promise<{ run: StoredRun; snapshot: unknown; plan: Cutplan | null } | null>;
  list(): Promise<StoredRun[]>;
  journal(runId: string): Promise<JournalEntry[]>;
}

/** A stored run and its snapshot, without reading its plan where the store can (`find`), else by `load`. */
export function findRun(store: Pick<RunStore, 'load' | 'find'>, runId: string): Promise<{ run: StoredRun; snapshot: unknown } | null> {
  return store.find === undefined ? store.load(runId) : store.find(runId);
}

/** {@link RunStore.planCounts} where the store has it, else counted from the loaded plan. Null for a run without a plan. */
export async function planCountsOf(store: RunStore, runId: string): Promise<PlanCounts | null> {
  if (store.planCounts !== undefined) return store.planCounts(runId);
  const rows = (await store.load(runId))?.plan?.rows;
  if (rows === undefined) return null;
  const count = (action: string) => rows.filter((r) => r.action === action).length;
  return { rows: rows.length, new: count('new'), changed: count('changed'), retire: count('retire') };
}
