import { runMachine } from '../../machines/run-machine.js';
import { canonicalJson } from '../domain/hashing.js';
import { viewOfStored, type RunView } from '../runner/run-view.js';
import { RunNotFound } from '../runs/errors.js';
import { findRun, type RunStore, type StoredRun } from '../runs/run-store.js';
import { ReplayDiverged } from './errors.js';
import { replayJournal, type ReplayStep } from './replay-journal.js';

/** All replay reads from a store: a replay never writes, so it is given no way to. */
export type RunReader = Pick<RunStore, 'load' | 'find' | 'journal'>;

/** A stored run, replayed from its journal and checked against its stored snapshot. */
export interface StoredRunReplay {
  readonly run: StoredRun;
  readonly steps: readonly ReplayStep[];
  /** The run as its stored snapshot says it is. */
  readonly stored: RunView;
  /** The run as the replayed journal says it is. */
  readonly replayed: RunView;
  /** Whether they agree: the same state and status, and the same context. */
  readonly matches: { readonly state: boolean; readonly context: boolean };
}

/**
 * Loads a stored run's journal and snapshot, replays the journal with pure transitions (see {@link replayJournal}),
 * and compares where it arrives with the stored snapshot. Only `find` (or `load`) and `journal` are called.
 *
 * @throws {@link RunNotFound} when no such run is stored, or it was never started.
 * @throws {@link ReplayDiverged} when the journal cannot be replayed at all. A replay that arrives elsewhere is
 *   reported in `matches`; {@link assertReplayMatches} turns that into the error.
 */
export async function replayStoredRun(reader: RunReader, runId: string): Promise<StoredRunReplay> {
  const loaded = await findRun(reader, runId);
  if (loaded === null) throw new RunNotFound(runId);
  if (loaded.snapshot === null) throw new RunNotFound(`${runId} (stored, but never started)`);
  const steps = replayJournal(await reader.journal(runId));
  const last = steps.at(-1);
  if (last === undefined) throw new ReplayDiverged(`run ${runId} has a snapshot but an empty journal`);
  const stored = viewOfStored(runMachine, loaded.snapshot);
  const replayed = last.view;
  return {
    run: loaded.run,
    steps,
    stored,
    replayed,
    matches: {
      state: stored.state === replayed.state && stored.status === replayed.status,
      context: canonicalJson(stored.context) === canonicalJson(replayed.context),
    },
  };
}

/** Throws {@link ReplayDiverged}, naming the difference, unless the replay arrived where the stored run is. */
export function assertReplayMatches(replay: StoredRunReplay): void {
  const { stored, replayed, matches } = replay;
  if (!matches.state) {
    throw new ReplayDiverged(`the journal replays to ${replayed.state} [${replayed.status}], the stored snapshot is at ${stored.state} [${stored.status}]`);
  }
  if (!matches.context) {
    const keys = Object.keys(stored.context) as (keyof RunView['context'])[];
    const differing = keys.filter((key) => canonicalJson(stored.context[key] ?? null) !== canonicalJson(replayed.context[key] ?? null));
    throw new ReplayDiverged(`the journal replays to ${replayed.state} as stored, but the context differs in: ${differing.join(', ') || '(key set)'}`);
  }
}
