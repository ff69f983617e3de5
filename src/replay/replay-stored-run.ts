import { canonicalJson } from '../domain/hashing.js';
import { viewOfStored, type RunView } from '../runner/run-view.js';
import { RunEndedUnderEarlierRelease, RunNotFound } from '../runs/errors.js';
import { findRun, type JournalEntry, type RunStore, type StoredRun } from '../runs/run-store.js';
import { CURRENT_RELEASE, type MachineRelease } from '../runs/upgrade/release.js';
import { migratedEvent } from '../runs/upgrade/upgrade-journal.js';
import { upgradeSnapshot } from '../runs/upgrade/upgrade-snapshot.js';
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
  /**
   * Whether they agree: the same state and status, and the same context; and whether the journal arrived where each of
   * the run's migrations took it (true when it has none).
   */
  readonly matches: { readonly state: boolean; readonly context: boolean; readonly migrations: boolean };
}

/**
 * Loads a stored run's journal and snapshot, replays the journal with pure transitions (see {@link replayJournal}),
 * and compares where it arrives with the stored snapshot. Only `find` (or `load`) and `journal` are called.
 *
 * A run stored by an earlier snapshot version is compared as this build would carry it: its snapshot migrated in
 * memory (nothing is written), its journal replayed on this build's machine with a migration step at its end.
 *
 * @throws {@link RunNotFound} when no such run is stored, or it was never started.
 * @throws {@link ReplayDiverged} when the journal cannot be replayed at all. A replay that arrives elsewhere is
 *   reported in `matches`; {@link assertReplayMatches} turns that into the error.
 */
export async function replayStoredRun(reader: RunReader, runId: string, release: MachineRelease = CURRENT_RELEASE): Promise<StoredRunReplay> {
  const loaded = await findRun(reader, runId);
  if (loaded === null) throw new RunNotFound(runId);
  if (loaded.snapshot === null) throw new RunNotFound(`${runId} (stored, but never started)`);
  const { run } = loaded;
  const upgrade = upgradeSnapshot(runId, loaded.snapshot, run.snapshotVersion, release);
  if (upgrade.snapshot === null) {
    throw new RunEndedUnderEarlierRelease(runId, run.state, run.snapshotVersion, release.version, upgrade.kind === 'stranded' ? upgrade.reason : 'no snapshot');
  }
  const journal: JournalEntry[] = await reader.journal(runId);
  if (upgrade.kind !== 'current') {
    // The migration the next acting command will store, foreseen here so the replay ends where that command starts.
    journal.push({ seq: (journal.at(-1)?.seq ?? 0) + 1, at: new Date().toISOString(), event: { ...migratedEvent(upgrade), pending: true } });
  }
  const steps = replayJournal(journal, { release, storedVersion: run.snapshotVersion });
  const last = steps.at(-1);
  if (last === undefined) throw new ReplayDiverged(`run ${runId} has a snapshot but an empty journal`);
  const stored = viewOfStored(release.machine, upgrade.snapshot);
  const replayed = last.view;
  return {
    run: loaded.run,
    steps,
    stored,
    replayed,
    matches: {
      state: stored.state === replayed.state && stored.status === replayed.status,
      context: canonicalJson(stored.context) === canonicalJson(replayed.context),
      migrations: steps.every((step) => step.migration?.matches !== false),
    },
  };
}

/** Throws {@link ReplayDiverged}, naming the difference, unless the replay arrived where the stored run is. */
export function assertReplayMatches(replay: StoredRunReplay): void {
  const { stored, replayed, matches, steps } = replay;
  const disagreeing = steps.find((step) => step.migration?.matches === false);
  if (disagreeing?.migration !== undefined) {
    const { from, to } = disagreeing.migration;
    throw new ReplayDiverged(`at entry ${disagreeing.seq} the run was migrated from snapshot version ${from} to ${to}, but its journal replays under version ${to} to ${disagreeing.before ?? '?'} with another context: the migration's journal rules (actors, input, event) do not carry the journal as it carries the snapshot`);
  }
  if (!matches.state) {
    throw new ReplayDiverged(`the journal replays to ${replayed.state} [${replayed.status}], the stored snapshot is at ${stored.state} [${stored.status}]`);
  }
  if (!matches.context) {
    const keys = Object.keys(stored.context) as (keyof RunView['context'])[];
    const differing = keys.filter((key) => canonicalJson(stored.context[key] ?? null) !== canonicalJson(replayed.context[key] ?? null));
    throw new ReplayDiverged(`the journal replays to ${replayed.state} as stored, but the context differs in: ${differing.join(', ') || '(key set)'}`);
  }
}
