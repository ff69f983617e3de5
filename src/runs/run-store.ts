import type { Cutplan } from '../domain/cutplan.js';
import type { Mode } from '../domain/mode.js';
import type { JournalEvent } from '../runner/run-journal.js';

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
  saveSnapshot(runId: string, snapshot: unknown, state: string, status: string): Promise<void>;
  appendJournal(runId: string, entries: readonly JournalEntry[]): Promise<void>;
  /**
   * Optional: appends journal entries and saves the latest snapshot together, atomically (one transaction, one
   * commit), so a stored snapshot is never behind its journal. Stores without it get the two calls above, in order.
   */
  record?(runId: string, entries: readonly JournalEntry[], latest: { snapshot: unknown; state: string; status: string } | null): Promise<void>;
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
