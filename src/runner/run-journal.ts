import type { RunView } from './run-view.js';
import { toErrorRecord } from '../../machines/error-record.js';

/** One event the run received, as plain JSON (errors reduced to `{ name, code, message }`). */
export type JournalEvent = Readonly<Record<string, unknown>> & { readonly type: string };

/**
 * Where a run records itself as it goes: every event its root actor receives (human events, each phase's done or
 * error with its output), and its persisted snapshot after every step. A store-backed journal makes runs durable;
 * the same record drives replay.
 */
export interface RunJournal {
  event(event: JournalEvent): void;
  snapshot(persisted: unknown, view: RunView): void;
  /** Resolves when everything recorded so far is durable; rejects if a write failed. */
  flush(): Promise<void>;
  /**
   * Optional: resolves once every write of what was recorded so far is done but the last, and that one has its session
   * and waits for nothing a phase can hold (see `RunStore.record`). A phase may then start while the last write is
   * finishing, if its executor awaits {@link RunJournal.flush} before it commits. Never rejects; without it, a phase
   * starts only after `flush`.
   */
  underway?(): Promise<void>;
}

/** Reduces an event to plain JSON: `Error` objects would otherwise serialise to `{}` and lose what happened. */
export function journalEventOf(event: { type: string } & Record<string, unknown>): JournalEvent {
  if (event.type.startsWith('xstate.error.actor.')) return { type: event.type, error: toErrorRecord(event.error) };
  return JSON.parse(JSON.stringify(event)) as JournalEvent;
}
