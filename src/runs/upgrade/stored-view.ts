import { viewOfStored, type RunView } from '../../runner/run-view.js';
import { RunEndedUnderEarlierRelease } from '../errors.js';
import type { StoredRun } from '../run-store.js';
import { CURRENT_RELEASE, type MachineRelease } from './release.js';
import { upgradeSnapshot } from './upgrade-snapshot.js';

/** How a stored run stands against this build: as stored, or what restoring it would do first. */
export type UpgradeStanding =
  | { readonly kind: 'current'; readonly version: number }
  | { readonly kind: 'migrates'; readonly from: number; readonly to: number; readonly steps: readonly string[] }
  | { readonly kind: 'stranded'; readonly from: number; readonly to: number; readonly reason: string };

/**
 * The view of a stored run as this build sees it, without writing anything: a snapshot of an earlier version is
 * migrated in memory, as the next command that acts on the run will migrate and store it, and `upgrade` says so.
 *
 * @throws `SnapshotVersionMismatch` for a run stored by a newer release; `RunEndedUnderEarlierRelease` for an ended
 *   run this build cannot read.
 */
export function viewOfStoredRun(run: StoredRun, snapshot: unknown, release: MachineRelease = CURRENT_RELEASE): { view: RunView; upgrade: UpgradeStanding } {
  const upgrade = upgradeSnapshot(run.runId, snapshot, run.snapshotVersion, release);
  if (upgrade.snapshot === null) {
    throw new RunEndedUnderEarlierRelease(run.runId, run.state, run.snapshotVersion, release.version, upgrade.kind === 'stranded' ? upgrade.reason : 'no snapshot');
  }
  const view = viewOfStored(release.machine, upgrade.snapshot);
  if (upgrade.kind === 'current') return { view, upgrade: { kind: 'current', version: upgrade.version } };
  if (upgrade.kind === 'migrated') return { view, upgrade: { kind: 'migrates', from: upgrade.from, to: upgrade.to, steps: upgrade.steps } };
  return { view, upgrade: { kind: 'stranded', from: upgrade.from, to: upgrade.to, reason: upgrade.reason } };
}
