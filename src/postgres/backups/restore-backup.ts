import { hostname } from 'node:os';
import { BackupNotFound, RestoreMismatch, RestoreTargetUnconfirmed } from '../../errors/index.js';
import { applyMigrations, LATEST_SCHEMA_VERSION, schemaVersionOf } from '../migrations/index.js';
import type { DbSession } from '../port.js';
import { findBackup, type BackupRecord } from '../sql/backups.js';
import { appendLedger } from '../sql/ledger.js';
import { withinTransaction } from '../transaction.js';
import { iuDigest, type IUDigest } from './iu-digest.js';
import { iuVersionRows, replaceIUVersions } from './replace-iu-versions.js';
import { createScratchDatabase, type RestoreDestination } from './restore-destination.js';
import { restoreDumpInto, type DumpRestoreTools } from './restore-dump.js';
import { snapshotRows } from './snapshot-runner.js';

/** The target a backup was taken of: its administrator's session, and its DSN on PostgreSQL (for a staging database). */
export interface RestoreSource {
  admin<T>(work: (session: DbSession) => Promise<T>): Promise<T>;
  readonly dsn: string | null;
}

export interface RestoreRequest extends DumpRestoreTools {
  readonly source: RestoreSource;
  readonly backupId: string;
  readonly into: RestoreDestination;
  /** The operator typed the destination's name: required when the destination is the source itself. */
  readonly confirmedName?: string;
  /** Who restores, and why: recorded in the ledger. */
  readonly by: string;
  readonly reason?: string;
}

/** What a restore did, as verified and recorded. */
export interface RestoreReport {
  readonly backupId: string;
  readonly kind: BackupRecord['kind'];
  readonly into: string;
  readonly intoSource: boolean;
  readonly rows: number;
  readonly contentSha256: string;
  /** The checksum of the dump file, checked before restoring it (pg_dump only). */
  readonly fileSha256: string | null;
  readonly ledger: { readonly seq: number; readonly recordHash: string };
}

/** Compares what the destination now holds with what the backup recorded; throws {@link RestoreMismatch}. */
function assertMatches(backup: BackupRecord, actual: IUDigest): void {
  if (actual.rows !== backup.rows) throw new RestoreMismatch(backup.backupId, `${actual.rows} IU rows restored, the backup recorded ${backup.rows}`);
  const expected = backup.contentSha256 ?? (backup.kind === 'snapshot' ? backup.sha256 : null);
  if (expected !== null && actual.sha256 !== expected) throw new RestoreMismatch(backup.backupId, `the restored rows hash to ${actual.sha256}, the backup recorded ${expected}`);
}

/** Replaces the destination's IU rows with `rows`, verifies them, and (into the source) records the restore, atomically. */
async function replaceAndVerify(
  into: RestoreDestination, backup: BackupRecord, rows: (work: (r: AsyncIterable<readonly string[]>) => Promise<IUDigest>) => Promise<IUDigest>,
  record: (s: DbSession, digest: IUDigest) => Promise<void>,
): Promise<IUDigest> {
  if (!into.isSource && (await into.admin(schemaVersionOf)) < LATEST_SCHEMA_VERSION) await into.admin((s) => applyMigrations(s));
  return rows((source) => into.admin((s) => withinTransaction(s, async () => {
    await replaceIUVersions(s, source);
    const digest = await iuDigest(s);
    assertMatches(backup, digest);
    // Into the target itself: the replacement and its ledger record commit together, or neither does.
    if (into.isSource) await record(s, digest);
    return digest;
  })));
}

/**
 * Restores a recorded backup (snapshot or pg_dump) into `into`, verifies it against what the backup recorded (row
 * count and the IU rows' checksum; for a dump, the file's checksum first), and appends a `restore` record to the
 * source target's ledger, chained like every other. Only the IU versions are restored: the target's ledger, runs and
 * journals are history, and stay. Into the source itself only with `confirmedName` equal to its name, and then the
 * replacement and the ledger record are one transaction. A mismatch records nothing (and rolls the replacement back).
 *
 * @example
 * const into = await createScratchDatabase(adminDsn, backupId);
 * const report = await restoreBackup({ source: { admin, dsn: adminDsn }, backupId, into, by: 'ops' });
 */
export async function restoreBackup(request: RestoreRequest): Promise<RestoreReport> {
  const { source, into, backupId } = request;
  if (into.isSource && request.confirmedName !== into.confirmName) throw new RestoreTargetUnconfirmed(into.description, into.confirmName);
  const backup = await source.admin((s) => findBackup(s, backupId));
  if (backup === undefined) throw new BackupNotFound(backupId);
  if (!backup.verified) throw new BackupNotFound(backupId, 'was not verified when it was taken, so it is not restored');

  let fileSha256: string | null = null;
  let pending: { seq: number; recordHash: string } | undefined;
  const payloadOf = (digest: IUDigest) => ({
    backupId, runId: backup.runId, backupKind: backup.kind, into: into.description, intoTarget: into.isSource, by: request.by,
    ...(request.reason === undefined ? {} : { reason: request.reason }), rows: digest.rows, contentSha256: digest.sha256,
    ...(fileSha256 === null ? {} : { fileSha256 }), host: hostname(),
  });
  const record = async (s: DbSession, digest: IUDigest): Promise<void> => {
    pending = await appendLedger(s, { kind: 'restore', changeSetId: backup.changeSetId, payload: payloadOf(digest) });
  };

  let digest: IUDigest;
  if (backup.kind === 'snapshot') {
    digest = into.isSource
      ? await into.admin((s) => withinTransaction(s, async () => {
          // One database: read the snapshot and replace the table on one session.
          await replaceIUVersions(s, snapshotRows(s, backupId));
          const d = await iuDigest(s);
          assertMatches(backup, d);
          await record(s, d);
          return d;
        }))
      : await replaceAndVerify(into, backup, (work) => source.admin((s) => work(snapshotRows(s, backupId))), record);
  } else if (into.scratch && into.dsn !== null) {
    fileSha256 = await restoreDumpInto(backup, into.dsn, request);
    digest = await into.admin((s) => iuDigest(s));
    assertMatches(backup, digest);
  } else {
    // The dump goes into a staging database first; only its IU rows are carried over, so the destination keeps its
    // own ledger and runs.
    const stagingServer = source.dsn ?? into.dsn;
    if (stagingServer === null) throw new BackupNotFound(backupId, 'is a pg_dump, and neither the source nor the destination is a PostgreSQL server to restore it on');
    const staging = await createScratchDatabase(stagingServer, backupId, { dropOnClose: true });
    try {
      fileSha256 = await restoreDumpInto(backup, staging.dsn ?? '', request);
      digest = await replaceAndVerify(into, backup, (work) => staging.admin((s) => work(iuVersionRows(s))), record);
    } finally {
      await staging.close();
    }
  }
  if (pending === undefined) await source.admin((s) => withinTransaction(s, () => record(s, digest)));
  const ledger = pending ?? { seq: 0, recordHash: '' };
  return Object.freeze({ backupId, kind: backup.kind, into: into.description, intoSource: into.isSource, rows: digest.rows, contentSha256: digest.sha256, fileSha256, ledger });
}
