import { initialTransition } from 'xstate';
import type { RunInput } from '../../../machines/run-types.js';
import type { PersistedRun, SnapshotMigration } from '../../../machines/snapshot-migrations.js';
import { ErrorCode } from '../../errors/index.js';
import { SnapshotVersionMismatch } from '../errors.js';
import type { MachineRelease } from './release.js';
import { pathOfValue, snapshotProblems, valueOfPath } from './snapshot-problems.js';

/** The state a run this release cannot carry on is put in: it can only be cancelled (see the machine). */
export const STRANDED_STATE = 'stranded';

/**
 * What restoring a stored snapshot under a release comes to:
 * - `current`: stored by this version, and restorable as it is;
 * - `migrated`: brought from an earlier version by the release's migrations, step by step;
 * - `stranded`: it cannot continue under this release (no migration, a state that is gone, or a result the machine
 *   would not restore). `snapshot` is then the run put in the `stranded` state with its context carried over, from
 *   where it can only be cancelled; null for a run that had already ended (nothing to continue).
 */
export type SnapshotUpgrade =
  | { readonly kind: 'current'; readonly version: number; readonly snapshot: PersistedRun | null }
  | { readonly kind: 'migrated'; readonly from: number; readonly to: number; readonly steps: readonly string[]; readonly snapshot: PersistedRun | null }
  | {
      readonly kind: 'stranded';
      readonly from: number;
      readonly to: number;
      readonly steps: readonly string[];
      readonly reason: string;
      readonly snapshot: PersistedRun | null;
    };

/** Thrown by a migration step for a state it cannot carry. */
class CannotCarry extends Error {}

/** `path` under the migration's state renames: the longest renamed prefix wins; throws if the state is gone. */
function renamedPath(migration: SnapshotMigration, path: string): string {
  const renames = migration.states ?? {};
  const match = Object.keys(renames)
    .filter((from) => path === from || path.startsWith(`${from}.`))
    .sort((a, b) => b.length - a.length)[0];
  if (match === undefined) return path;
  const to = renames[match] ?? null;
  if (to === null) throw new CannotCarry(`its state ${path} is gone in snapshot version ${migration.to} (${migration.summary})`);
  return to + path.slice(match.length);
}

/** One version step (throws `CannotCarry` for a state it cannot carry). */
export function applySnapshotMigration(migration: SnapshotMigration, snapshot: PersistedRun): PersistedRun {
  const path = pathOfValue(snapshot.value);
  if (path === null) throw new CannotCarry(`its state value ${JSON.stringify(snapshot.value)} is not one state path`);
  const renames = migration.actors ?? {};
  const children = Object.fromEntries(Object.entries(snapshot.children).map(([id, child]) => {
    const renamed = renames[id];
    return renamed === undefined ? [id, child] : [renamed.id, { ...child, src: renamed.src }];
  }));
  const moved: PersistedRun = {
    ...snapshot,
    value: valueOfPath(renamedPath(migration, path)),
    children,
    context: migration.context === undefined ? snapshot.context : migration.context(snapshot.context),
  };
  return migration.snapshot === undefined ? moved : migration.snapshot(moved);
}

/**
 * The run put in the `stranded` state of `release`'s machine: the machine's own initial context for the run's input,
 * with every field the stored context also has taken from it (so the change set, approvals, commits and results
 * carry over), and the reason as the run's error, for `cutter status` to say.
 */
export function strandedSnapshot(release: MachineRelease, stored: PersistedRun, reason: string): PersistedRun {
  if (release.machine.root.states[STRANDED_STATE] === undefined) throw new Error(`this machine has no '${STRANDED_STATE}' state to put a run it cannot carry in`);
  const old = stored.context;
  const text = (key: string, fallback: string): string => (typeof old[key] === 'string' ? old[key] : fallback);
  const input: RunInput = {
    runId: text('runId', 'unknown'),
    mode: text('mode', 'LIVE') === 'DRYRUN' ? 'DRYRUN' : 'LIVE',
    initiator: text('initiator', 'unknown'),
    expectedPlanHash: typeof old.expectedPlanHash === 'string' ? old.expectedPlanHash : null,
  };
  const [initial] = initialTransition(release.machine, input);
  const persisted = release.machine.getPersistedSnapshot(initial) as unknown as PersistedRun;
  const context = Object.fromEntries(Object.entries(persisted.context).map(([key, value]) => [key, Object.hasOwn(old, key) ? old[key] : value]));
  const error = { name: 'RunStranded', code: ErrorCode.RunStranded, message: reason };
  return { ...persisted, value: STRANDED_STATE, status: 'active', children: {}, context: { ...context, error } };
}

/**
 * Brings a stored snapshot of `storedVersion` to `release` (pure: nothing is read or written). A snapshot written by
 * a newer version is refused: this build could only misread it.
 *
 * @throws {@link SnapshotVersionMismatch} when `storedVersion` is newer than the release.
 */
export function upgradeSnapshot(runId: string, stored: unknown, storedVersion: number, release: MachineRelease): SnapshotUpgrade {
  if (storedVersion > release.version) throw new SnapshotVersionMismatch(runId, storedVersion, release.version);
  const from = storedVersion;
  const to = release.version;
  let snapshot = stored as PersistedRun | null;
  // Stranded as far as the migrations carried it (their context renames and defaults kept); an ended run stays ended.
  const strand = (steps: readonly string[], reason: string): SnapshotUpgrade => ({
    kind: 'stranded', from, to, steps, reason,
    snapshot: snapshot === null || snapshot.status === 'done' ? null : strandedSnapshot(release, snapshot, `this run was stored by snapshot version ${from} and cannot continue under version ${to}: ${reason}`),
  });

  const steps: string[] = [];
  for (let version = from; version < to; version += 1) {
    const migration = release.migrations.find((m) => m.from === version && m.to === version + 1);
    if (migration === undefined) return strand(steps, `this build has no migration from snapshot version ${version} to ${version + 1}`);
    try {
      if (snapshot !== null) snapshot = applySnapshotMigration(migration, snapshot);
    } catch (error) {
      if (error instanceof CannotCarry) return strand(steps, error.message);
      throw error;
    }
    steps.push(`${version} → ${version + 1}: ${migration.summary}`);
  }
  const problems = snapshot === null ? [] : snapshotProblems(release.machine, snapshot);
  if (problems.length > 0) return strand(steps, problems.join('; '));
  return from === to ? { kind: 'current', version: to, snapshot } : { kind: 'migrated', from, to, steps, snapshot };
}
