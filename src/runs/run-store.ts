import type { Cutplan } from '../domain/cutplan.js';
import type { Mode } from '../domain/mode.js';
import type { JournalEvent } from '../runner/run-journal.js';
import type { RunHolder } from './errors.js';

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
   * that cannot tell the two apart writes it as `now`.
   */
  record?(runId: string, entries: readonly JournalEntry[], latest: { snapshot: unknown; state: string; status: string } | null, fence?: WriteFence, durability?: WriteDurability): Promise<void>;
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
  /** The plan is null if none is stored or pinned: the run stopped before planning pinned it. */
  load(runId: string): Promise<{ run: StoredRun; snapshot: unknown; plan: Cutplan | null } | null>;
  list(): Promise<StoredRun[]>;
  journal(runId: string): Promise<JournalEntry[]>;
}

/** A stored run and its snapshot, without reading its plan where the store can (`find`), else by `load`. */
export function findRun(store: Pick<RunStore, 'load' | 'find'>, runId: string): Promise<{ run: StoredRun; snapshot: unknown } | null> {
  return store.find === undefined ? store.load(runId) : store.find(runId);
}
