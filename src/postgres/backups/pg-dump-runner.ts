import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { freezeResult, type BackupResult } from '../../domain/results.js';
import type { BackupRequest, BackupRunner } from './backup-runner.js';
import { runTool } from './run-tool.js';

export interface PgDumpRunnerOptions {
  /** The DSN pg_dump connects with. Its password goes to pg_dump through PGPASSWORD, never its arguments or a log. */
  readonly dsn: string;
  /** The folder backups are written to. */
  readonly directory: string;
  /** Encrypt each dump to this GPG recipient (a key fingerprint from configuration); the plaintext is removed. */
  readonly gpgRecipient?: string;
  /** A GNUPGHOME for gpg (tests, or a dedicated keyring). */
  readonly gpgHome?: string;
  readonly pgDumpPath?: string;
  readonly pgRestorePath?: string;
  readonly gpgPath?: string;
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function connectionArgs(dsn: string): { args: string[]; password: string } {
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
 * recipient, and verifies it before the cut may start: the checksum is computed, the file is read back as a dump
 * (`pg_restore --list`, or `gpg --list-only --decrypt` when encrypted) and its checksum computed again. The result and the
 * file's location are recorded in `cutter.backups` in the backup phase's transaction.
 *
 * Restore: `pg_restore --clean --if-exists --dbname <db> <file>` (decrypt first with `gpg --decrypt`); see
 * docs/operations.md.
 */
export function createPgDumpBackupRunner(options: PgDumpRunnerOptions): BackupRunner {
  const gpgEnv = options.gpgHome === undefined ? {} : { GNUPGHOME: options.gpgHome };
  return {
    kind: 'pg_dump',
    async take({ runId, changeSetId, session, signal }: BackupRequest): Promise<BackupResult> {
      await mkdir(options.directory, { recursive: true });
      const backupId = `dump-${randomUUID()}`;
      const dumpFile = join(options.directory, `${backupId}.dump`);
      const { args, password } = connectionArgs(options.dsn);
      const secrets = [password, options.dsn];
      const common = { secrets, ...(signal === undefined ? {} : { signal }) };
      await runTool(options.pgDumpPath ?? 'pg_dump', ['--format=custom', '--schema=cutter', `--file=${dumpFile}`, ...args], { env: { PGPASSWORD: password }, ...common });

      let file = dumpFile;
      if (options.gpgRecipient !== undefined) {
        file = `${dumpFile}.gpg`;
        await runTool(options.gpgPath ?? 'gpg', ['--batch', '--yes', '--trust-model', 'always', '--recipient', options.gpgRecipient, '--output', file, '--encrypt', dumpFile], { env: gpgEnv, ...common });
        await rm(dumpFile);
      }
      const sha256 = await sha256File(file);
      if (options.gpgRecipient === undefined) await runTool(options.pgRestorePath ?? 'pg_restore', ['--list', file], common);
      // Readable without the private key: --list-only parses the message and lists its recipients, decrypting nothing.
      else await runTool(options.gpgPath ?? 'gpg', ['--batch', '--list-only', '--decrypt', file], { env: gpgEnv, ...common });
      const verified = (await sha256File(file)) === sha256;
      const { size } = await stat(file);
      const { rows } = await session.query<{ n: string }>('SELECT count(*) AS n FROM cutter.iu_versions');
      await session.query(
        `INSERT INTO cutter.backups (backup_id, run_id, change_set_id, kind, location, sha256, bytes, row_count, verified)
         VALUES ($1, $2, $3, 'pg_dump', $4, $5, $6, $7, $8)`,
        [backupId, runId, changeSetId, file, sha256, size, Number(rows[0]?.n ?? 0), verified],
      );
      return freezeResult({ backupId, location: file, sha256, bytes: size, verified, takenAt: new Date().toISOString(), simulated: false });
    },
  };
}
