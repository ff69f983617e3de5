import type { Cutplan } from '../domain/cutplan.js';
import type { JournalEntry, RunStore, StoredRun } from './run-store.js';

/** A run store in memory: for hosts that need no durability, and for tests. Stores copies, as a database would. */
export class MemoryRunStore implements RunStore {
  readonly #runs = new Map<string, { run: StoredRun; snapshot: unknown; plan: Cutplan | null; journal: JournalEntry[] }>();

  create(run: Parameters<RunStore['create']>[0]): Promise<void> {
    if (this.#runs.has(run.runId)) return Promise.reject(new Error(`run ${run.runId} already exists`));
    const now = new Date().toISOString();
    const { plan, ...rest } = run;
    this.#runs.set(run.runId, { run: { ...rest, state: 'idle', status: 'active', createdAt: now, updatedAt: now }, snapshot: null, plan, journal: [] });
    return Promise.resolve();
  }

  saveSnapshot(runId: string, snapshot: unknown, state: string, status: string): Promise<void> {
    const entry = this.#runs.get(runId);
    if (entry === undefined) return Promise.reject(new Error(`no run ${runId}`));
    entry.snapshot = structuredClone(snapshot);
    entry.run = { ...entry.run, state, status, updatedAt: new Date().toISOString() };
    return Promise.resolve();
  }

  appendJournal(runId: string, entries: readonly JournalEntry[]): Promise<void> {
    const entry = this.#runs.get(runId);
    if (entry === undefined) return Promise.reject(new Error(`no run ${runId}`));
    entry.journal.push(...structuredClone(entries));
    return Promise.resolve();
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
