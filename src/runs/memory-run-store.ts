import type { Cutplan } from '../domain/cutplan.js';
import { SnapshotVersionMismatch } from './errors.js';
import type { JournalEntry, RunStore, StoredMigration, StoredRun } from './run-store.js';

interface Entry { run: StoredRun; snapshot: unknown; plan: Cutplan | null; journal: JournalEntry[] }

/** A run store in memory: for hosts that need no durability, and for tests. Stores copies, as a database would. */
export class MemoryRunStore implements RunStore {
  readonly #runs = new Map<string, Entry>();

  create(run: Parameters<RunStore['create']>[0]): Promise<void> {
    if (this.#runs.has(run.runId)) return Promise.reject(new Error(`run ${run.runId} already exists`));
    const now = new Date().toISOString();
    const { plan, ...rest } = run;
    this.#runs.set(run.runId, { run: { ...rest, state: 'idle', status: 'active', createdAt: now, updatedAt: now }, snapshot: null, plan, journal: [] });
    return Promise.resolve();
  }

  /** The stored run, if it is at `snapshotVersion` (when given); as the Postgres store's fence. */
  #fenced(runId: string, snapshotVersion: number | undefined): Entry {
    const entry = this.#runs.get(runId);
    if (entry === undefined) throw new Error(`no run ${runId}`);
    if (snapshotVersion !== undefined && entry.run.snapshotVersion !== snapshotVersion) {
      throw new SnapshotVersionMismatch(runId, entry.run.snapshotVersion, snapshotVersion, 'this process writes version');
    }
    return entry;
  }

  saveSnapshot(runId: string, snapshot: unknown, state: string, status: string, snapshotVersion?: number): Promise<void> {
    return Promise.resolve().then(() => {
      const entry = this.#fenced(runId, snapshotVersion);
      entry.snapshot = structuredClone(snapshot);
      entry.run = { ...entry.run, state, status, updatedAt: new Date().toISOString() };
    });
  }

  appendJournal(runId: string, entries: readonly JournalEntry[], snapshotVersion?: number): Promise<void> {
    return Promise.resolve().then(() => {
      this.#fenced(runId, snapshotVersion).journal.push(...structuredClone(entries));
    });
  }

  migrate(runId: string, migration: StoredMigration): Promise<boolean> {
    const entry = this.#runs.get(runId);
    if (entry?.run.snapshotVersion !== migration.from) return Promise.resolve(false);
    entry.journal.push(structuredClone(migration.entry));
    if (migration.snapshot !== null) {
      entry.snapshot = structuredClone(migration.snapshot);
      entry.run = { ...entry.run, state: migration.state, status: migration.status };
    }
    entry.run = { ...entry.run, snapshotVersion: migration.to, updatedAt: new Date().toISOString() };
    return Promise.resolve(true);
  }

  load(runId: string) {
    const entry = this.#runs.get(runId);
    return Promise.resolve(entry === undefined ? null : { run: entry.run, snapshot: structuredClone(entry.snapshot), plan: entry.plan });
  }

  find(runId: string) {
    const entry = this.#runs.get(runId);
    return Promise.resolve(entry === undefined ? null : { run: entry.run, snapshot: structuredClone(entry.snapshot) });
  }

  list(): Promise<StoredRun[]> {
    return Promise.resolve([...this.#runs.values()].map((e) => e.run));
  }

  journal(runId: string): Promise<JournalEntry[]> {
    return Promise.resolve(structuredClone(this.#runs.get(runId)?.journal ?? []));
  }
}
