/**
 * Issue 15, backups (PostgreSQL, pg_dump): a dump is private (0600 in a 0700 folder), a recipient gpg cannot encrypt to
 * refuses the run before any dump exists, a dump whose encryption fails anyway is deleted, and a backup is recorded
 * with its absolute location, its host and its checksums.
 */
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pinChangeSet } from '../../src/domain/change-set.js';
import { Mode } from '../../src/domain/mode.js';
import { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import { createPgDumpBackupRunner, type PgDumpRunnerOptions } from '../../src/postgres/backups/pg-dump-runner.js';
import { iuDigest } from '../../src/postgres/backups/iu-digest.js';
import { sha256File } from '../../src/postgres/backups/private-files.js';
import { PostgresLiveExecutionAdapter } from '../../src/postgres/postgres-adapter.js';
import { migration012 } from '../../src/postgres/migrations/012-backup-host-restores.js';
import { findBackup } from '../../src/postgres/sql/backups.js';
import { appendLedger } from '../../src/postgres/sql/ledger.js';
import { startRun } from '../support/drive.js';
import { samplePlan } from '../support/fixtures.js';
import { countRows, openTarget, TARGET_KINDS, type Target } from '../support/targets.js';

const onPostgres = TARGET_KINDS.includes('postgres');
/** A well-formed fingerprint that no keyring here holds. */
const NO_SUCH_RECIPIENT = 'DEADBEEF'.repeat(5);

// Needs a PostgreSQL server (CUTTER_TEST_DATABASE_URL); skipped only without one. CI sets CUTTER_REQUIRE_POSTGRES=1,
// and then test/support/targets.ts fails the suite if the URL is missing, so this tier never skips there.
describe.runIf(onPostgres)('safe pg_dump backups', () => {
  let target: Target;
  let dir = '';
  let gpgHome = '';
  let fingerprint = '';
  const killSwitch = new InMemoryKillSwitch(true);

  beforeAll(async () => {
    target = await openTarget('postgres');
    dir = await mkdtemp(join(tmpdir(), 'cutter-safe-dumps-'));
    gpgHome = await mkdtemp(join(tmpdir(), 'cutter-gpg-'));
    const env = { ...process.env, GNUPGHOME: gpgHome };
    execFileSync('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', 'Cutter Test <test@example.invalid>', 'default', 'default', 'never'], { env, stdio: 'ignore' });
    fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(execFileSync('gpg', ['--list-keys', '--with-colons'], { env }).toString())?.[1] ?? '';
  }, 60_000);
  afterAll(async () => {
    await target.close();
    await rm(dir, { recursive: true, force: true });
    await rm(gpgHome, { recursive: true, force: true });
  });
  beforeEach(() => target.reset());

  const adapterWith = (options: Omit<PgDumpRunnerOptions, 'dsn'>) =>
    new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: target.provider, backupRunner: createPgDumpBackupRunner({ dsn: target.dsn ?? '', ...options }) });
  const ctxOf = (runId: string) => ({ runId, mode: Mode.Live, changeSet: pinChangeSet(samplePlan(2), runId) });
  const nothingWritten = async () => {
    for (const table of ['iu_versions', 'backups', 'ledger', 'phase_records', 'pinned_plans']) expect(await countRows(target, table), table).toBe(0);
  };

  it('a recipient gpg cannot encrypt to refuses the run at precheck: no dump on disk, nothing written to the target', async () => {
    const folder = join(dir, 'no-recipient');
    const { view } = await startRun({ mode: 'LIVE', killSwitch, executor: adapterWith({ directory: folder, gpgRecipient: NO_SUCH_RECIPIENT, gpgHome }) });
    expect(view.state).toBe('refused');
    expect(view.context.error).toMatchObject({ code: 'E_BACKUP_ENCRYPTION_FAILED', message: expect.stringContaining('No public key') });
    expect(await readdir(folder)).toEqual([]);
    await nothingWritten();
  }, 60_000);

  it('the backup phase itself checks again (the keyring may change while a run waits at SG_1): refused before the dump, folder empty', async () => {
    const folder = join(dir, 'later');
    const error = await adapterWith({ directory: folder, gpgRecipient: NO_SUCH_RECIPIENT, gpgHome }).preWriteBackup(ctxOf('run-late')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_BACKUP_ENCRYPTION_FAILED', phase: 'preWriteBackup' });
    expect(await readdir(folder)).toEqual([]);
    const missing = await adapterWith({ directory: folder, gpgRecipient: fingerprint, gpgHome, gpgPath: join(dir, 'no-such-gpg') }).precheck({ runId: 'r', mode: Mode.Live }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'E_BACKUP_ENCRYPTION_FAILED', message: expect.stringContaining('not installed') });
    await nothingWritten();
  }, 60_000);

  it('a dump whose encryption fails after the check is deleted: no plaintext stays, nothing is recorded', async () => {
    // A gpg that encrypts the trial message (stdin) but fails on a file, as a full disk or a vanished key would.
    const flaky = join(dir, 'flaky-gpg');
    await writeFile(flaky, '#!/bin/sh\ncase "$*" in *--output*) echo "gpg: encryption failed: No space left on device" >&2; exit 2;; esac\nexec gpg "$@"\n', { mode: 0o700 });
    const folder = join(dir, 'flaky');
    const error = await adapterWith({ directory: folder, gpgRecipient: fingerprint, gpgHome, gpgPath: flaky }).preWriteBackup(ctxOf('run-flaky')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_BACKUP_ENCRYPTION_FAILED', message: expect.stringContaining('No space left') });
    expect(await readdir(folder)).toEqual([]);
    await nothingWritten();
  }, 60_000);

  it('dumps are 0600 in a 0700 folder (created so, parents too), encrypted or not', async () => {
    const folder = join(dir, 'fresh', 'nested');
    const plain = await adapterWith({ directory: folder }).preWriteBackup(ctxOf('run-plain'));
    await target.admin((s) => s.query('DELETE FROM cutter.target_lock'));
    const sealed = await adapterWith({ directory: folder, gpgRecipient: fingerprint, gpgHome }).preWriteBackup(ctxOf('run-sealed'));
    expect((await stat(folder)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'fresh'))).mode & 0o777).toBe(0o700);
    expect((await stat(plain.location)).mode & 0o777).toBe(0o600);
    expect((await stat(sealed.location)).mode & 0o777).toBe(0o600);
    expect((await readdir(folder)).sort()).toEqual([`${plain.backupId}.dump`, `${sealed.backupId}.dump.gpg`].sort());
  }, 60_000);

  it('an existing folder others may enter is refused, not tightened, before anything is written', async () => {
    const folder = join(dir, 'shared');
    await mkdir(folder);
    await chmod(folder, 0o755);
    const error = await adapterWith({ directory: folder }).precheck({ runId: 'r', mode: Mode.Live }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_BACKUP_FOLDER_UNSAFE', message: expect.stringContaining('0755'), hint: expect.stringContaining(`chmod 700 ${folder}`) });
    expect((await stat(folder)).mode & 0o777).toBe(0o755);
    expect(await readdir(folder)).toEqual([]);
  }, 60_000);

  it('migration 12 is idempotent, and the ledger then takes a restore record but still no unknown kind', async () => {
    await target.admin((s) => s.exec(migration012.sql));
    await target.admin((s) => s.exec(migration012.sql));
    await target.admin((s) => appendLedger(s, { kind: 'restore', changeSetId: null, payload: { backupId: 'b' } }));
    const bogus = await target.admin((s) => appendLedger(s, { kind: 'bogus' as 'restore', changeSetId: null, payload: {} })).catch((e: unknown) => e);
    expect(bogus).toMatchObject({ code: '23514' });
  }, 60_000);

  it('records the absolute location, the host, the file\'s checksum and the rows\' digest', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    let backup;
    try {
      // A relative folder is resolved once, when the runner is made (the CLI resolves against the config file's folder).
      backup = await adapterWith({ directory: 'relative-dumps' }).preWriteBackup(ctxOf('run-rec'));
    } finally {
      process.chdir(cwd);
    }
    expect(isAbsolute(backup.location)).toBe(true);
    expect(backup.location).toBe(join(dir, 'relative-dumps', `${backup.backupId}.dump`));
    const row = await target.admin((s) => findBackup(s, backup.backupId));
    expect(row).toMatchObject({ location: backup.location, host: hostname(), sha256: await sha256File(backup.location), verified: true, rows: 0 });
    expect(row?.contentSha256).toBe((await target.admin((s) => iuDigest(s))).sha256);
  }, 60_000);
});
