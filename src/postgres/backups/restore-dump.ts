import { mkdtemp, rm, stat } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackupNotFound, RestoreMismatch } from '../../errors/index.js';
import type { BackupRecord } from '../sql/backups.js';
import { decryptFile } from './gpg.js';
import { connectionArgs } from './pg-dump-runner.js';
import { createPrivateFile, sha256File } from './private-files.js';
import { runTool } from './run-tool.js';

/** The tools a dump restore calls, and the keyring that holds the private key of an encrypted dump. */
export interface DumpRestoreTools {
  readonly gpgHome?: string;
  readonly gpgPath?: string;
  readonly pgRestorePath?: string;
}

/**
 * Restores a recorded pg_dump into an empty database: the file must be on this machine and still hash to the
 * checksum the backup recorded; an encrypted dump is decrypted into a private temporary folder (0700, the file 0600)
 * that is removed afterwards, whatever happens. Returns the file's checksum.
 */
export async function restoreDumpInto(backup: BackupRecord, dsn: string, tools: DumpRestoreTools = {}): Promise<string> {
  try {
    await stat(backup.location);
  } catch {
    throw new BackupNotFound(backup.backupId, `has no file at ${backup.location} on this machine (${hostname()}); it was taken on ${backup.host ?? 'a host not recorded'}: restore it there, or copy the file to that path`);
  }
  const sha256 = await sha256File(backup.location);
  if (sha256 !== backup.sha256) throw new RestoreMismatch(backup.backupId, `the file ${backup.location} hashes to ${sha256}, the backup recorded ${backup.sha256}`);
  const gpg = { ...(tools.gpgHome === undefined ? {} : { gpgHome: tools.gpgHome }), ...(tools.gpgPath === undefined ? {} : { gpgPath: tools.gpgPath }) };
  const folder = backup.location.endsWith('.gpg') ? await mkdtemp(join(tmpdir(), 'cutter-restore-')) : null;
  try {
    let plain = backup.location;
    if (folder !== null) {
      plain = join(folder, 'backup.dump');
      await createPrivateFile(plain);
      await decryptFile(gpg, backup.location, plain);
    }
    const { args, password } = connectionArgs(dsn);
    await runTool(tools.pgRestorePath ?? 'pg_restore', ['--no-owner', '--exit-on-error', ...args, plain], { env: { PGPASSWORD: password }, secrets: [password, dsn] });
    return sha256;
  } finally {
    if (folder !== null) await rm(folder, { recursive: true, force: true });
  }
}
