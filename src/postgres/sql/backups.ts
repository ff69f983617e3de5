import type { DbSession } from '../port.js';

/** One row of `cutter.backups`, as `cutter backup list` shows it and a restore reads it. */
export interface BackupRecord {
  readonly backupId: string;
  readonly runId: string;
  readonly changeSetId: string;
  readonly kind: 'snapshot' | 'pg_dump';
  /** An absolute file path on `host` (pg_dump), or `cutter.iu_snapshots#<id>` (snapshot). */
  readonly location: string;
  /** The machine that took it; null for backups taken before schema v12. */
  readonly host: string | null;
  readonly bytes: number;
  readonly rows: number;
  /** The file's checksum (pg_dump) or the rows' (snapshot). */
  readonly sha256: string;
  /** The checksum of the IU rows the backup holds; null for backups taken before schema v12. */
  readonly contentSha256: string | null;
  readonly verified: boolean;
  readonly takenAt: string;
}

/** What a backup runner records, in the backup phase's transaction. */
export type NewBackupRecord = Omit<BackupRecord, 'takenAt'>;

/**
 * Records a backup.
 *
 * The generated SQL (PostgreSQL):
 * `INSERT INTO cutter.backups (backup_id, run_id, change_set_id, kind, location, host, sha256, content_sha256, bytes, row_count, verified) VALUES ($1, …, $11)`
 */
export async function insertBackupRecord(session: DbSession, b: NewBackupRecord): Promise<void> {
  await session.query(
    `INSERT INTO cutter.backups (backup_id, run_id, change_set_id, kind, location, host, sha256, content_sha256, bytes, row_count, verified)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [b.backupId, b.runId, b.changeSetId, b.kind, b.location, b.host, b.sha256, b.contentSha256, b.bytes, b.rows, b.verified],
  );
}

interface Row {
  backup_id: string; run_id: string; change_set_id: string; kind: 'snapshot' | 'pg_dump'; location: string; host: string | null;
  bytes: string; row_count: string; sha256: string; content_sha256: string | null; verified: boolean; taken_at: Date | string;
}

const SELECT = 'SELECT backup_id, run_id, change_set_id, kind, location, host, bytes, row_count, sha256, content_sha256, verified, taken_at FROM cutter.backups';

const toRecord = (r: Row): BackupRecord => Object.freeze({
  backupId: r.backup_id, runId: r.run_id, changeSetId: r.change_set_id, kind: r.kind, location: r.location, host: r.host,
  bytes: Number(r.bytes), rows: Number(r.row_count), sha256: r.sha256, contentSha256: r.content_sha256, verified: r.verified,
  takenAt: new Date(r.taken_at).toISOString(),
});

/** Every recorded backup, oldest first. */
export async function listBackups(session: DbSession): Promise<BackupRecord[]> {
  return (await session.query<Row>(`${SELECT} ORDER BY taken_at, backup_id`)).rows.map(toRecord);
}

/** One backup by id, or undefined. */
export async function findBackup(session: DbSession, backupId: string): Promise<BackupRecord | undefined> {
  const row = (await session.query<Row>(`${SELECT} WHERE backup_id = $1`, [backupId])).rows[0];
  return row === undefined ? undefined : toRecord(row);
}
