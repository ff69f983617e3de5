import type { Cutplan } from '../domain/cutplan.js';
import type { Mode } from '../domain/mode.js';
import type { JournalEvent } from '../runner/run-journal.js';

/** A stored run, as listed. */
export interface StoredRun {
  readonly runId: string;
  readonly mode: Mode;
  readonly initiator: string;
  readonly planHash: string;
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
  create(run: { runId: string; mode: Mode; initiator: string; planHash: string; plan: Cutplan; snapshotVersion: number }): Promise<void>;
  saveSnapshot(runId: string, snapshot: unknown, state: string, status: string): Promise<void>;
  appendJournal(runId: string, entries: readonly JournalEntry[]): Promise<void>;
  /**
   * Optional: appends journal entries and saves the latest snapshot together, atomically (one transaction, one
   * commit), so a stored snapshot is never behind its journal. Stores without it get the two calls above, in order.
   */
  record?(runId: string, entries: readonly JournalEntry[], latest: { snapshot: unknown; state: string; status: string } | null): Promise<void>;
  load(runId: string): Promise<{ run: StoredRun; snapshot: unknown; plan: Cutplan } | null>;
  list(): Promise<StoredRun[]>;
  journal(runId: string): Promise<JournalEntry[]>;
}
