import { randomUUID } from 'node:crypto';
import { freezeResult, type BackupResult } from '../../domain/results.js';
import type { DbSession } from '../port.js';
import { withinTransaction } from '../transaction.js';
import type { BackupRequest, BackupRunner } from './backup-runner.js';

/** Count, bytes and a checksum over IU rows in id order; the same expression for the table and its snapshot. */
const digestOf = (from: string) => /* sql */ `
  SELECT count(*) AS row_count,
         coalesce(sum(octet_length(title) + octet_length(body)), 0) AS bytes,
         encode(sha256(convert_to(coalesce(string_agg(
           concat_ws(E'\\t', id, address, version, content_hash, status, change_set_id, coalesce(review_decision_id, ''), coalesce(superseded_by, '')),
           E'\\n' ORDER BY id), ''), 'UTF8')), 'hex') AS sha256
  FROM ${from}`;

interface Digest { row_count: string; bytes: string; sha256: string }

async function digest(session: DbSession, from: string, params: unknown[] = []): Promise<{ rows: number; bytes: number; sha256: string }> {
  const { rows } = await session.query<Digest>(digestOf(from), params);
  const row = rows[0];
  return { rows: Number(row?.row_count ?? 0), bytes: Number(row?.bytes ?? 0), sha256: row?.sha256 ?? '' };
}

/**
 * The in-database backup for the embedded target (and any target without pg_dump): copies every IU version into
 * `cutter.iu_snapshots` in the backup phase's transaction, then verifies the copy by recomputing its checksum and
 * comparing it with the live table's. Restore with {@link restoreSnapshot}.
 */
export const snapshotBackupRunner: BackupRunner = {
  kind: 'snapshot',
  async take({ runId, changeSetId, session }: BackupRequest): Promise<BackupResult> {
    const backupId = `snap-${randomUUID()}`;
    await session.query('INSERT INTO cutter.iu_snapshots SELECT $1, v.* FROM cutter.iu_versions v', [backupId]);
    const source = await digest(session, 'cutter.iu_versions');
    const copy = await digest(session, 'cutter.iu_snapshots WHERE backup_id = $1', [backupId]);
    const verified = source.sha256 === copy.sha256 && source.rows === copy.rows;
    const location = `cutter.iu_snapshots#${backupId}`;
    await session.query(
      `INSERT INTO cutter.backups (backup_id, run_id, change_set_id, kind, location, sha256, bytes, row_count, verified)
       VALUES ($1, $2, $3, 'snapshot', $4, $5, $6, $7, $8)`,
      [backupId, runId, changeSetId, location, copy.sha256, copy.bytes, copy.rows, verified],
    );
    return freezeResult({ backupId, location, sha256: copy.sha256, bytes: copy.bytes, verified, takenAt: new Date().toISOString(), simulated: false });
  },
};

/**
 * Restores the IU table from a snapshot, in one transaction, as an administrator (the phase roles cannot delete).
 * The lifecycle log keeps its history; restored rows are logged as new inserts.
 */
export async function restoreSnapshot(adminSession: DbSession, backupId: string): Promise<{ rows: number }> {
  return withinTransaction(adminSession, async () => {
    const { rows } = await adminSession.query<{ n: string }>('SELECT count(*) AS n FROM cutter.backups WHERE backup_id = $1 AND verified', [backupId]);
    if (Number(rows[0]?.n ?? 0) !== 1) throw new Error(`no verified snapshot ${backupId}`);
    await adminSession.query('DELETE FROM cutter.iu_versions');
    const restored = await adminSession.query(
      `INSERT INTO cutter.iu_versions (id, address, version, title, body, content_hash, status, change_set_id, review_decision_id, superseded_by, retired_by, created_at, updated_at)
       SELECT id, address, version, title, body, content_hash, status, change_set_id, review_decision_id, superseded_by, retired_by, created_at, updated_at
       FROM cutter.iu_snapshots WHERE backup_id = $1`,
      [backupId],
    );
    return { rows: restored.rowCount };
  });
}
