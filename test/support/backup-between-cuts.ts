/**
 * A target with history for restore tests: rows cut, a backup taken, more rows cut after it. The first cut has 11 rows
 * so that ids pass 9: paging rows by their id as text (10 sorts before 9) once replayed ids and failed the restore.
 */
import { pinChangeSet } from '../../src/domain/change-set.js';
import { Mode } from '../../src/domain/mode.js';
import { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import type { BackupRunner } from '../../src/postgres/backups/backup-runner.js';
import type { OpenTarget } from '../../src/postgres/open-target.js';
import type { ConnectionProvider } from '../../src/postgres/port.js';
import { PostgresLiveExecutionAdapter } from '../../src/postgres/postgres-adapter.js';
import { findBackup, type BackupRecord } from '../../src/postgres/sql/backups.js';
import { samplePlan } from './fixtures.js';

/** The rows the backup holds (the first cut), and the rows the target holds after the second. */
export const BACKED_UP_ROWS = 11;
export const ROWS_AFTER = BACKED_UP_ROWS + 2;

/**
 * Cuts {@link BACKED_UP_ROWS} rows, takes a backup (of those rows) with `runner` as run-2, then cuts run-2's own
 * rows: the target then holds more than the backup, so a restore that "worked" by doing nothing is caught.
 */
export async function backupBetweenTwoCuts(provider: ConnectionProvider, runner: BackupRunner, admin: OpenTarget['admin']): Promise<BackupRecord> {
  const killSwitch = new InMemoryKillSwitch(true);
  const adapter = new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: provider, backupRunner: runner });
  const first = samplePlan(BACKED_UP_ROWS, 'handbook/first');
  await adapter.cutLegA({ runId: 'run-1', mode: Mode.Live, changeSet: pinChangeSet(first, 'run-1') }, first.rows);
  await adapter.releaseTarget({ runId: 'run-1' });
  const second = samplePlan(ROWS_AFTER - BACKED_UP_ROWS, 'handbook/second');
  const ctx = { runId: 'run-2', mode: Mode.Live, changeSet: pinChangeSet(second, 'run-2') };
  const backup = await adapter.preWriteBackup(ctx);
  await adapter.cutLegA(ctx, second.rows);
  await adapter.legBRecord(ctx);
  await adapter.releaseTarget(ctx);
  const row = await admin((s) => findBackup(s, backup.backupId));
  if (row === undefined) throw new Error('backup not recorded');
  return row;
}
