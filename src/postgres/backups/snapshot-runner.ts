import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { freezeResult, type BackupResult } from '../../domain/results.js';
import type { DbSession } from '../port.js';
import { insertBackupRecord } from '../sql/backups.js';
import { withinTransaction } from '../transaction.js';
import type { BackupRequest, BackupRunner } from './backup-runner.js';
import { iuDigest } from './iu-digest.js';
import { replaceIUVersions } from './replace-iu-versions.js';

/**
 * The in-database backup for the embedded target (and any target without pg_dump): copies every IU version into
 * `cutter.iu_snapshots` in the backup phase's transaction, then verifies the copy by recomputing its checksum and
 * comparing it with the live table's. Restore with `cutter backup restore <id>` ({@link restoreBackup}), or in place
 * with {@link restoreSnapshot}.
 */
export const snapshotBackupRunner: BackupRunner = {
  kind: 'snapshot',
  async take({ runId, changeSetId, session }: BackupRequest): Promise<BackupResult> {
    const backupId = `snap-${randomUUID()}`;
    await session.query('INSERT INTO cutter.iu_snapshots SELECT $1, v.* FROM cutter.iu_versions v', [backupId]);
    const source = await iuDigest(session);
    const copy = await iuDigest(session, 'cutter.iu_snapshots WHERE backup_id = $1', [backupId]);
    const verified = source.sha256 === copy.sha256 && source.rows === copy.rows;
    const location = `cutter.iu_snapshots#${backupId}`;
    await insertBackupRecord(session, {
      backupId, runId, changeSetId, kind: 'snapshot', location, host: hostname(), sha256: copy.sha256, contentSha256: copy.sha256,
      bytes: copy.bytes, rows: copy.rows, verified,
    });
    return freezeResult({ backupId, location, sha256: copy.sha256, bytes: copy.bytes, verified, takenAt: new Date().toISOString(), simulated: false });
  },
};

/** A snapshot's rows as JSON text, `chunk` at a time in id order (ordered by `s.id`, the number, never the text `id`: see `iuVersionRows`). */
export async function* snapshotRows(session: DbSession, backupId: string, chunk = 1000): AsyncGenerator<string[]> {
  let after = '-1';
  for (;;) {
    const { rows } = await session.query<{ id: string; r: string }>(
      `SELECT id::text AS id, (to_jsonb(s) - 'backup_id')::text AS r FROM cutter.iu_snapshots s
       WHERE s.backup_id = $1 AND s.id > $2::bigint ORDER BY s.id LIMIT $3`,
      [backupId, after, chunk],
    );
    if (rows.length === 0) return;
    yield rows.map((row) => row.r);
    after = rows.at(-1)?.id ?? after;
  }
}

/**
 * Restores the IU table from a snapshot in the same database, in one transaction, as an administrator (the phase
 * roles cannot delete). The lifecycle log keeps its history; restored rows are logged as new inserts. Prefer
 * `cutter backup restore`, which verifies the result and records it in the ledger.
 */
export async function restoreSnapshot(adminSession: DbSession, backupId: string): Promise<{ rows: number }> {
  return withinTransaction(adminSession, async () => {
    const { rows } = await adminSession.query<{ n: string }>('SELECT count(*) AS n FROM cutter.backups WHERE backup_id = $1 AND verified', [backupId]);
    if (Number(rows[0]?.n ?? 0) !== 1) throw new Error(`no verified snapshot ${backupId}`);
    return { rows: await replaceIUVersions(adminSession, snapshotRows(adminSession, backupId)) };
  });
}
