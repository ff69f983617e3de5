import type { Cutplan } from '../domain/cutplan.js';
import { RunBusy, SnapshotVersionMismatch, type RunHolder } from './errors.js';
import type { HoldClaim, JournalEntry, RunStore, StoredMigration, StoredRun, WriteFence } from './run-store.js';

interface Entry { run: StoredRun; snapshot: unknown; plan: Cutplan | null; journal: JournalEntry[] }
interface Hold { token: string; holder: RunHolder; expiresAt: number }

/** A run store in memory: for hosts that need no durability, and for tests. Stores copies, as a database would. */
export class MemoryRunStore implements RunStore {
  readonly #runs = new Map<string, Entry>();
  readonly #holds = new Map<string, Hold>();

  create(run: Parameters<RunStore['create']>[0]): Promise<void> {
    if (this.#runs.has(run.runId)) return Promise.reject(new Error(`run ${run.runId} already exists`));
    const now = new Date().toISOString();
    const { plan, ...rest } = run;
    this.#runs.set(run.runId, { run: { ...rest, state: 'idle', status: 'active', createdAt: now, updatedAt: now }, snapshot: null, plan, journal: [] });
    return Promise.resolve();
  }

  /** The stored run, if the fence holds (as the Postgres store's): at the fence's version, and held by its token. */
  #fenced(runId: string, fence: WriteFence | undefined): Entry {
    const entry = this.#runs.get(runId);
    if (entry === undefined) throw new Error(`no run ${runId}`);
    if (fence !== undefined && entry.run.snapshotVersion !== fence.snapshotVersion) {
      throw new SnapshotVersionMismatch(runId, entry.run.snapshotVersion, fence.snapshotVersion, 'this process writes version');
    }
    if (fence?.holdToken !== undefined && this.#holds.get(runId)?.token !== fence.holdToken) {
      throw new RunBusy(runId, this.#holds.get(runId)?.holder ?? null, `run ${runId} is no longer held by this process: its writes are refused`);
    }
    return entry;
  }

  saveSnapshot(runId: string, snapshot: unknown, state: string, status: string, fence?: WriteFence): Promise<void> {
    return Promise.resolve().then(() => {
      const entry = this.#fenced(runId, fence);
      entry.snapshot = structuredClone(snapshot);
      entry.run = { ...entry.run, state, status, updatedAt: new Date().toISOString() };
    });
  }

  appendJournal(runId: string, entries: readonly JournalEntry[], fence?: WriteFence): Promise<void> {
    return Promise.resolve().then(() => {
      const journal = this.#fenced(runId, fence).journal;
      const taken = entries.find((e) => journal.some((j) => j.seq === e.seq));
      if (taken !== undefined) throw new RunBusy(runId, this.#holds.get(runId)?.holder ?? null, `another process has written entry ${taken.seq} of the journal of run ${runId}`);
      journal.push(...structuredClone(entries));
    });
  }

  migrate(runId: string, migration: StoredMigration): Promise<boolean> {
    const entry = this.#runs.get(runId);
    if (entry?.run.snapshotVersion !== migration.from) return Promise.resolve(false);
    if (migration.holdToken !== undefined && this.#holds.get(runId)?.token !== migration.holdToken) return Promise.resolve(false);
    entry.journal.push(structuredClone(migration.entry));
    if (migration.snapshot !== null) {
      entry.snapshot = structuredClone(migration.snapshot);
      entry.run = { ...entry.run, state: migration.state, status: migration.status };
    }
    entry.run = { ...entry.run, snapshotVersion: migration.to, updatedAt: new Date().toISOString() };
    return Promise.resolve(true);
  }

  hold(runId: string, claim: HoldClaim): Promise<{ held: true } | { held: false; holder: RunHolder }> {
    const now = Date.now();
    const current = this.#holds.get(runId);
    if (current !== undefined && current.token !== claim.token && current.expiresAt >= now) return Promise.resolve({ held: false, holder: current.holder });
    const expiresAt = now + claim.ttlSeconds * 1000;
    const since = current?.token === claim.token ? current.holder.since : new Date(now).toISOString();
    this.#holds.set(runId, { token: claim.token, expiresAt, holder: { pid: claim.pid, host: claim.host, command: claim.command, since, until: new Date(expiresAt).toISOString() } });
    return Promise.resolve({ held: true });
  }

  renewHold(runId: string, token: string, ttlSeconds: number): Promise<boolean> {
    const current = this.#holds.get(runId);
    if (current?.token !== token) return Promise.resolve(false);
    current.expiresAt = Date.now() + ttlSeconds * 1000;
    current.holder = { ...current.holder, until: new Date(current.expiresAt).toISOString() };
    return Promise.resolve(true);
  }

  releaseHold(runId: string, token: string): Promise<void> {
    if (this.#holds.get(runId)?.token === token) this.#holds.delete(runId);
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
