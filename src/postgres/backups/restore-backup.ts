import { hostname } from 'node:os';
import { BackupNotFound, RestoreMismatch, RestoreStep, RestoreTargetUnconfirmed } from '../../errors/index.js';
import { applyMigrations, LATEST_SCHEMA_VERSION, schemaVersionOf } from '../migrations/index.js';
import type { DbSession } from '../port.js';
import { findBackup, type BackupRecord } from '../sql/backups.js';
import { appendLedger } from '../sql/ledger.js';
import { acquireTarget, releaseTarget } from '../sql/target-lock.js';
import { withinTransaction } from '../transaction.js';
import { iuDigest, type IUDigest } from './iu-digest.js';
import { iuVersionRows, replaceIUVersions } from './replace-iu-versions.js';
import { createScratchDatabase, type RestoreDestination } from './restore-destination.js';
import { restoreDumpInto, type DumpRestoreTools } from './restore-dump.js';
import { restoreStep } from './restore-step.js';
import { snapshotRows } from './snapshot-runner.js';
import { counted } from '../../text/plural.js';

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
  if (actual.rows !== backup.rows) throw new RestoreMismatch(backup.backupId, `${counted(actual.rows, 'IU row')} restored, the backup recorded ${backup.rows}`);
  const expected = backup.contentSha256 ?? (backup.kind === 'snapshot' ? backup.sha256 : null);
  if (expected !== null && actual.sha256 !== expected) throw new RestoreMismatch(backup.backupId, `the restored rows hash to ${actual.sha256}, the backup recorded ${expected}`);
}

type Appended = { readonly seq: number; readonly recordHash: string };

/**
 * Replaces the destination's IU rows with `rows` and verifies them, in one transaction. Into the source itself, the
 * transaction also holds the target's lease (a LIVE run writing now makes it {@link TargetBusy}; none can start until
 * it commits) and appends the ledger record, so the replacement and its record commit together, or neither does.
 */
async function replaceAndVerify(
  into: RestoreDestination, backup: BackupRecord, rows: (s: DbSession) => AsyncIterable<readonly string[]>,
  record: (s: DbSession, digest: IUDigest) => Promise<Appended>,
): Promise<{ digest: IUDigest; appended?: Appended }> {
  const at = { backupId: backup.backupId, destination: into.description };
  if (!into.isSource && (await into.admin(schemaVersionOf)) < LATEST_SCHEMA_VERSION) {
    await restoreStep(RestoreStep.Migrate, at, () => into.admin((s) => applyMigrations(s)));
  }
  return restoreStep(RestoreStep.Replace, at, () => into.admin((s) => withinTransaction(s, async () => {
    const holder = `restore:${backup.backupId}`;
    if (into.isSource) await acquireTarget(s, holder, 'restore', 300);
    await replaceIUVersions(s, rows(s));
    const digest = await iuDigest(s);
    assertMatches(backup, digest);
    if (!into.isSource) return { digest };
    const appended = await record(s, digest);
    await releaseTarget(s, holder);
    return { digest, appended };
  })));
}

/**
 * Restores a recorded backup (snapshot or pg_dump) into `into`, verifies it against what the backup recorded (row
 * count and the IU rows' checksum; for a dump, the file's checksum first), and appends a `restore` record to the
 * source target's ledger, chained like every other. Only the IU versions are restored: the target's ledger, runs and
 * journals are history, and stay. Into the source itself only with `confirmedName` equal to its name, and then the
 * replacement and the ledger record are one transaction. A mismatch records nothing (and rolls the replacement back).
 *
 * @throws {@link RestoreMismatch} when the result differs from what the backup recorded; `RestoreFailed` (`E_RESTORE_FAILED`,
 * naming the step) when a database or pg_restore refuses a step; {@link RestoreTargetUnconfirmed}, {@link BackupNotFound}.
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

  const at = { backupId, destination: into.description };
  let fileSha256: string | null = null;
  const record = (s: DbSession, digest: IUDigest): Promise<Appended> => appendLedger(s, {
    kind: 'restore',
    changeSetId: backup.changeSetId,
    payload: {
      backupId, runId: backup.runId, backupKind: backup.kind, into: into.description, intoTarget: into.isSource, by: request.by,
      ...(request.reason === undefined ? {} : { reason: request.reason }), rows: digest.rows, contentSha256: digest.sha256,
      ...(fileSha256 === null ? {} : { fileSha256 }), host: hostname(),
    },
  });

  let outcome: { digest: IUDigest; appended?: Appended };
  if (backup.kind === 'snapshot') {
    // Rows read on the destination's own session when it is the source (one database, maybe one connection).
    outcome = into.isSource
      ? await replaceAndVerify(into, backup, (s) => snapshotRows(s, backupId), record)
      : await source.admin((src) => replaceAndVerify(into, backup, () => snapshotRows(src, backupId), record));
  } else if (into.scratch && into.dsn !== null) {
    const dsn = into.dsn;
    fileSha256 = await restoreStep(RestoreStep.PgRestore, at, () => restoreDumpInto(backup, dsn, request));
    const digest = await into.admin((s) => iuDigest(s));
    assertMatches(backup, digest);
    outcome = { digest };
  } else {
    // The dump goes into a staging database first; only its IU rows are carried over, so the destination keeps its
    // own ledger and runs.
    const stagingServer = source.dsn ?? into.dsn;
    if (stagingServer === null) throw new BackupNotFound(backupId, 'is a pg_dump, and neither the source nor the destination is a PostgreSQL server to restore it on');
    const staging = await restoreStep(RestoreStep.CreateDatabase, at, () => createScratchDatabase(stagingServer, backupId, { dropOnClose: true }));
    try {
      fileSha256 = await restoreStep(RestoreStep.PgRestore, at, () => restoreDumpInto(backup, staging.dsn ?? '', request));
      outcome = await staging.admin((st) => replaceAndVerify(into, backup, () => iuVersionRows(st), record));
    } finally {
      await staging.close();
    }
  }
  const { digest } = outcome;
  const ledger = outcome.appended ?? await restoreStep(RestoreStep.Record, at, () => source.admin((s) => withinTransaction(s, () => record(s, digest))));
  return Object.freeze({ backupId, kind: backup.kind, into: into.description, intoSource: into.isSource, rows: digest.rows, contentSha256: digest.sha256, fileSha256, ledger });
}
