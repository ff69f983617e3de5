import type { RunJournal } from '../runner/run-journal.js';
import { WriteDurability, type JournalEntry, type RunStore, type WriteFence } from './run-store.js';

/** How a store journal writes, beyond where and from which sequence. */
export interface StoreJournalOptions {
  /** The run's row (and hold) being written while the run is built: the first write waits for it. */
  readonly ready?: Promise<unknown>;
  /**
   * True when the store lives in the target's own database, so its commits and the phases' go to one write-ahead log,
   * flushed in order. A write taken while a phase runs or is about to run (the run neither parked nor ended) is then
   * committed without waiting for the flush: the phase's own commit, or the write that parks or ends the run, flushes
   * it first. A crash of the database before that loses it, together with everything after it, so the run is found as
   * it was before: record before effect holds. Writes that park or end the run always wait for the flush.
   */
  readonly sharesTargetLog?: boolean;
}

/** The latest snapshot, as stored, and how durable its write must be when it resolves. */
interface Latest { stored: { snapshot: unknown; state: string; status: string }; durability: WriteDurability }

/**
 * A journal that writes to a run store, in order, one write at a time: events are batched and only the latest
 * snapshot is written, so a fast run costs a few writes per step, not one per microstep. `flush` surfaces any
 * failed write. Every write is fenced (see {@link WriteFence}): on the version of the machine that writes, so once a
 * newer process has migrated the run this one's writes are refused; and on this process's hold, if it holds the run.
 */
export function storeJournal(store: RunStore, runId: string, firstSeq: number, fence: WriteFence, options: StoreJournalOptions = {}): RunJournal {
  const { ready, sharesTargetLog = false } = options;
  let seq = firstSeq;
  let events: JournalEntry[] = [];
  let snapshot: Latest | null = null;
  let failure: unknown = null;
  // `ready`: the run's row (and hold) being written; nothing is written before it is, and nothing at all if it fails.
  let unready = false;
  let tail: Promise<void> = ready === undefined ? Promise.resolve() : ready.then(() => undefined, (error: unknown) => { unready = true; failure ??= error; });
  let queued = false;
  // The last scheduled write has its session (or is done, or was never sent): see RunJournal.underway.
  let underway: Promise<void> = Promise.resolve();

  const schedule = (): void => {
    if (queued) return;
    queued = true;
    let started: () => void = () => undefined;
    underway = new Promise<void>((resolve) => { started = resolve; });
    tail = tail.then(async () => {
      queued = false;
      if (unready) return;
      const batch = events;
      const latest = snapshot;
      events = [];
      snapshot = null;
      if (store.record !== undefined) {
        // A batch of events alone is rare (its snapshot follows in the same turn): it waits for the flush, to be safe.
        await store.record(runId, batch, latest?.stored ?? null, fence, latest?.durability ?? WriteDurability.Now, started);
        return;
      }
      await store.appendJournal(runId, batch, fence);
      if (latest !== null) await store.saveSnapshot(runId, latest.stored.snapshot, latest.stored.state, latest.stored.status, fence);
    }).catch((error: unknown) => {
      failure ??= error;
    }).finally(() => { started(); });
  };

  return {
    event(event) {
      events.push({ seq: seq++, at: new Date().toISOString(), event });
      schedule();
    },
    snapshot(persisted, view) {
      // Parked (a gate, halted) or ended: the process may exit right after, so this write must be on disk when it resolves.
      const inPhase = view.status === 'active' && !view.parked;
      const durability = sharesTargetLog && inPhase ? WriteDurability.WithNextCommit : WriteDurability.Now;
      snapshot = { stored: { snapshot: persisted, state: view.state, status: view.output?.status ?? view.status }, durability };
      schedule();
    },
    async flush() {
      await tail;
      if (failure !== null) throw failure instanceof Error ? failure : new Error('a run store write failed', { cause: failure });
    },
    underway: () => underway,
  };
}
