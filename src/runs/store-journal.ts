import type { RunJournal } from '../runner/run-journal.js';
import type { JournalEntry, RunStore, WriteFence } from './run-store.js';

/**
 * A journal that writes to a run store, in order, one write at a time: events are batched and only the latest
 * snapshot is written, so a fast run costs a few writes per step, not one per microstep. `flush` surfaces any
 * failed write. Every write is fenced (see {@link WriteFence}): on the version of the machine that writes, so once a
 * newer process has migrated the run this one's writes are refused; and on this process's hold, if it holds the run.
 * With `ready`, the first write waits for it (a new run's row, written while the run is being built).
 */
export function storeJournal(store: RunStore, runId: string, firstSeq: number, fence: WriteFence, ready?: Promise<unknown>): RunJournal {
  let seq = firstSeq;
  let events: JournalEntry[] = [];
  let snapshot: { snapshot: unknown; state: string; status: string } | null = null;
  let failure: unknown = null;
  // `ready`: the run's row (and hold) being written; nothing is written before it is, and nothing at all if it fails.
  let unready = false;
  let tail: Promise<void> = ready === undefined ? Promise.resolve() : ready.then(() => undefined, (error: unknown) => { unready = true; failure ??= error; });
  let queued = false;

  const schedule = (): void => {
    if (queued) return;
    queued = true;
    tail = tail.then(async () => {
      queued = false;
      if (unready) return;
      const batch = events;
      const latest = snapshot;
      events = [];
      snapshot = null;
      if (store.record !== undefined) {
        await store.record(runId, batch, latest, fence);
        return;
      }
      await store.appendJournal(runId, batch, fence);
      if (latest !== null) await store.saveSnapshot(runId, latest.snapshot, latest.state, latest.status, fence);
    }).catch((error: unknown) => {
      failure ??= error;
    });
  };

  return {
    event(event) {
      events.push({ seq: seq++, at: new Date().toISOString(), event });
      schedule();
    },
    snapshot(persisted, view) {
      snapshot = { snapshot: persisted, state: view.state, status: view.output?.status ?? view.status };
      schedule();
    },
    async flush() {
      await tail;
      if (failure !== null) throw failure instanceof Error ? failure : new Error('a run store write failed', { cause: failure });
    },
  };
}
