import { hostname } from 'node:os';
import type { PersistedRun, SnapshotMigration, StoredEvent } from '../../../machines/snapshot-migrations.js';
import { packageVersion } from '../../package-root.js';
import type { JournalEntry } from '../run-store.js';
import type { MachineRelease } from './release.js';
import type { SnapshotUpgrade } from './upgrade-snapshot.js';

/** The journal entry that records a run's migration to another snapshot version. */
export const MIGRATED_EVENT = 'cutter.migrated';

/**
 * A migration as journalled: the versions, what the steps changed, the outcome, which process did it, and the
 * snapshot it stored (so a replay can check it arrives there, or, for a stranded run, continue from it).
 */
export interface MigratedEvent {
  readonly type: typeof MIGRATED_EVENT;
  readonly from: number;
  readonly to: number;
  readonly outcome: 'migrated' | 'stranded';
  readonly steps: readonly string[];
  readonly reason?: string;
  readonly by: { readonly pid: number; readonly host: string; readonly cutter: string };
  readonly snapshot: PersistedRun | null;
}

/** The journal entry for an upgrade that moved a run to another version, as this process does it. */
export function migratedEvent(upgrade: Exclude<SnapshotUpgrade, { kind: 'current' }>): MigratedEvent {
  return {
    type: MIGRATED_EVENT,
    from: upgrade.from,
    to: upgrade.to,
    outcome: upgrade.kind,
    steps: upgrade.steps,
    ...(upgrade.kind === 'stranded' ? { reason: upgrade.reason } : {}),
    by: { pid: process.pid, host: hostname(), cutter: packageVersion() },
    snapshot: upgrade.snapshot,
  };
}

export const isMigratedEvent = (event: StoredEvent): event is StoredEvent & MigratedEvent => event.type === MIGRATED_EVENT;

const ACTOR_EVENT = /^xstate\.(done|error)\.actor\.(.+)$/;

/** One journal event of `migration.from` as the machine of `migration.to` receives it. */
function upcastEvent(migration: SnapshotMigration, event: StoredEvent): StoredEvent {
  let next = event;
  const actor = ACTOR_EVENT.exec(event.type);
  const renamed = actor === null ? undefined : migration.actors?.[actor[2] ?? ''];
  if (actor !== null && renamed !== undefined) next = { ...next, type: `xstate.${actor[1] ?? 'done'}.actor.${renamed.id}` };
  if (next.type === 'xstate.init' && migration.input !== undefined && next.input !== null && typeof next.input === 'object') {
    next = { ...next, input: migration.input(next.input as Record<string, unknown>) };
  }
  return migration.event === undefined ? next : migration.event(next);
}

/**
 * The version each entry of a run's journal was written under. A journal is versioned by its migration entries: the
 * entries before a `cutter.migrated` entry were written under its `from`, the ones after under its `to`; a journal
 * without one was written under the version the run is stored with.
 */
export function journalVersions(entries: readonly JournalEntry[], storedVersion: number): number[] {
  const firstMigration = entries.find((e) => isMigratedEvent(e.event));
  let version = firstMigration === undefined ? storedVersion : (firstMigration.event as unknown as MigratedEvent).from;
  return entries.map((entry) => {
    const current = version;
    if (isMigratedEvent(entry.event)) version = (entry.event as unknown as MigratedEvent).to;
    return current;
  });
}

/**
 * A run's journal with every event written under an earlier version brought to the release's machine by the same
 * migrations that carry its snapshot (actor renames, input changes, event rules), so the whole journal replays on this
 * build's machine. Migration entries are kept as they are. Pure.
 */
export function upgradeJournal(entries: readonly JournalEntry[], storedVersion: number, release: MachineRelease): JournalEntry[] {
  const versions = journalVersions(entries, storedVersion);
  return entries.map((entry, index) => {
    if (isMigratedEvent(entry.event)) return entry;
    let event: StoredEvent = entry.event;
    for (let version = versions[index] ?? release.version; version < release.version; version += 1) {
      const migration = release.migrations.find((m) => m.from === version);
      if (migration === undefined) break;
      event = upcastEvent(migration, event);
    }
    return event === entry.event ? entry : { ...entry, event };
  });
}
