import { randomUUID } from 'node:crypto';
import { chmod, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { freezeResult, type BackupResult } from '../../domain/results.js';
import { insertBackupRecord } from '../sql/backups.js';
import type { BackupRequest, BackupRunner } from './backup-runner.js';
import { assertGpgCanEncrypt, encryptFile, listEncrypted, type GpgSettings } from './gpg.js';
import { iuDigest } from './iu-digest.js';
import { createPrivateFile, ensurePrivateFolder, PRIVATE_FILE_MODE, sha256File } from './private-files.js';
import { runTool } from './run-tool.js';

export interface PgDumpRunnerOptions {
  /** The DSN pg_dump connects with. Its password goes to pg_dump through PGPASSWORD, never its arguments or a log. */
  readonly dsn: string;
  /**
   * The folder backups are written to. A relative path is resolved once, when the runner is created, against the
   * current folder (the CLI resolves it against the config file's folder before that), and recorded absolute.
   */
  readonly directory: string;
  /** Encrypt each dump to this GPG recipient (a key fingerprint from configuration); the plaintext is removed. */
  readonly gpgRecipient?: string;
  /** A GNUPGHOME for gpg (tests, or a dedicated keyring). */
  readonly gpgHome?: string;
  readonly pgDumpPath?: string;
  readonly pgRestorePath?: string;
  readonly gpgPath?: string;
}

/** pg_dump's connection arguments and the password it gets through its environment. */
export function connectionArgs(dsn: string): { args: string[]; password: string } {
  const url = new URL(dsn);
  const args = ['--no-password'];
  if (url.hostname !== '') args.push('--host', decodeURIComponent(url.hostname));
  if (url.port !== '') args.push('--port', url.port);
  if (url.username !== '') args.push('--username', decodeURIComponent(url.username));
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (database !== '') args.push('--dbname', database);
  return { args, password: decodeURIComponent(url.password) };
}

/**
 * A backup runner that takes a `pg_dump` of the `cutter` schema in custom format, optionally encrypts it to a GPG
 * recipient, and verifies it before the cut may start.
 *
 * - Private: the folder is 0700 (created so, or refused if others may enter it), each file 0600 from its creation.
 * - Never plaintext left behind when encrypting: gpg is tried first (an empty message, no file), so a recipient it
 *   cannot encrypt to refuses the run before the dump exists; a dump whose encryption still fails is deleted.
 * - Verified: the checksum is computed, the file read back as a dump (`pg_restore --list`, or `gpg --list-only`
 *   when encrypted), and its checksum computed again.
 * - Recorded in `cutter.backups` in the backup phase's transaction: absolute location, host, file checksum, and the
 *   digest of the IU rows it holds (for verifying a restore).
 *
 * Restore with `cutter backup restore <id>` ({@link restoreBackup}).
 */
export function createPgDumpBackupRunner(options: PgDumpRunnerOptions): BackupRunner {
  const directory = resolve(options.directory);
  const gpg: GpgSettings | undefined = options.gpgRecipient === undefined ? undefined : {
    recipient: options.gpgRecipient,
    ...(options.gpgHome === undefined ? {} : { gpgHome: options.gpgHome }),
    ...(options.gpgPath === undefined ? {} : { gpgPath: options.gpgPath }),
  };
  const check = async (signal?: AbortSignal, phase?: string): Promise<void> => {
    await ensurePrivateFolder(directory);
    if (gpg !== undefined) await assertGpgCanEncrypt(gpg, signal, phase);
  };
  return {
    kind: 'pg_dump',
    check: (signal) => check(signal, 'precheck'),
    async take({ runId, changeSetId, session, signal }: BackupRequest): Promise<BackupResult> {
      // Checked again here: the run may have waited at SG_1 for days, and the keyring or the folder changed since.
      await check(signal);
      const backupId = `dump-${randomUUID()}`;
      const dumpFile = join(directory, `${backupId}.dump`);
      const file = gpg === undefined ? dumpFile : `${dumpFile}.gpg`;
      const { args, password } = connectionArgs(options.dsn);
      const common = { secrets: [password, options.dsn], ...(signal === undefined ? {} : { signal }) };
      try {
        await createPrivateFile(dumpFile);
        try {
          await runTool(options.pgDumpPath ?? 'pg_dump', ['--format=custom', '--schema=cutter', `--file=${dumpFile}`, ...args], { env: { PGPASSWORD: password }, ...common });
          if (gpg !== undefined) {
            await createPrivateFile(file);
            await encryptFile(gpg, dumpFile, file, signal);
          }
        } finally {
          // The plaintext of an encrypted backup never outlives this call, whatever happened above.
          if (gpg !== undefined) await rm(dumpFile, { force: true });
        }
        await chmod(file, PRIVATE_FILE_MODE);
        const sha256 = await sha256File(file);
        if (gpg === undefined) await runTool(options.pgRestorePath ?? 'pg_restore', ['--list', file], common);
        else await listEncrypted(gpg, file, signal);
        const verified = (await sha256File(file)) === sha256;
        const { size } = await stat(file);
        // The lease keeps every other run from writing, so the rows the dump holds are the rows this transaction sees.
        const content = await iuDigest(session);
        await insertBackupRecord(session, {
          backupId, runId, changeSetId, kind: 'pg_dump', location: file, host: hostname(), sha256, contentSha256: content.sha256,
          bytes: size, rows: content.rows, verified,
        });
        return freezeResult({ backupId, location: file, sha256, bytes: size, verified, takenAt: new Date().toISOString(), simulated: false });
      } catch (error) {
        // A backup that is not recorded is not kept: its phase rolls back, and no stray dump is left behind.
        await rm(file, { force: true });
        await rm(dumpFile, { force: true });
        throw error;
      }
    },
  };
}
