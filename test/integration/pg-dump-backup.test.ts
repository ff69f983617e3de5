/**
 * The pg_dump backup runner on PostgreSQL (it needs a server): the dump is taken and verified before the cut,
 * restoring it brings back the state it captured, and with a GPG recipient only the encrypted file remains, which
 * decrypts and restores too. PGlite has no pg_dump; its backups are snapshots (postgres-adapter.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pinChangeSet } from '../../src/domain/change-set.js';
import { Mode } from '../../src/domain/mode.js';
import { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import { createPgDumpBackupRunner } from '../../src/postgres/backups/pg-dump-runner.js';
import { PostgresLiveExecutionAdapter } from '../../src/postgres/postgres-adapter.js';
import { samplePlan } from '../support/fixtures.js';
import { openTarget, TARGET_KINDS, type Target } from '../support/targets.js';

const onPostgres = TARGET_KINDS.includes('postgres');

// Needs a PostgreSQL server (CUTTER_TEST_DATABASE_URL); skipped only without one. CI sets CUTTER_REQUIRE_POSTGRES=1,
// and then test/support/targets.ts fails the suite if the URL is missing, so this tier never skips there.
describe.runIf(onPostgres)('pg_dump backups on postgres', () => {
  let target: Target;
  let dir = '';
  const killSwitch = new InMemoryKillSwitch(true);

  beforeAll(async () => {
    target = await openTarget('postgres');
    dir = await mkdtemp(join(tmpdir(), 'cutter-dumps-'));
  }, 60_000);
  afterAll(async () => {
    await target.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => target.reset());

  const restoreInto = async (file: string): Promise<number> => {
    const name = `cutter_restore_${Date.now().toString(36)}`;
    const admin = new URL(target.dsn ?? '');
    const root = new pg.Client({ connectionString: admin.toString().replace(/\/[^/]*$/, '/postgres') });
    await root.connect();
    await root.query(`CREATE DATABASE ${name}`);
    try {
      admin.pathname = `/${name}`;
      execFileSync('pg_restore', ['--no-owner', '--dbname', admin.toString(), file]);
      const restored = new pg.Client({ connectionString: admin.toString() });
      await restored.connect();
      const { rows } = await restored.query<{ n: string }>('SELECT count(*) AS n FROM cutter.iu_versions');
      await restored.end();
      return Number(rows[0]?.n);
    } finally {
      await root.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await root.end();
    }
  };

  it('takes a verified custom-format dump, records it, and the dump restores what it captured', async () => {
    const plan = samplePlan(4);
    const runner = createPgDumpBackupRunner({ dsn: target.dsn ?? '', directory: dir });
    const adapter = new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: target.provider, backupRunner: runner });
    const first = { runId: 'run-1', mode: Mode.Live, changeSet: pinChangeSet(plan, 'run-1') };
    await adapter.cutLegA(first, plan.rows);
    await adapter.releaseTarget(first);
    const second = { runId: 'run-2', mode: Mode.Live, changeSet: pinChangeSet(samplePlan(2, 'later/x'), 'run-2') };
    const backup = await adapter.preWriteBackup(second);
    expect(backup).toMatchObject({ verified: true, simulated: false });
    expect(backup.location.endsWith('.dump')).toBe(true);
    expect(await restoreInto(backup.location)).toBe(4);
  }, 60_000);

  it('encrypts to a GPG recipient: only the .gpg file remains, and it decrypts and restores', async () => {
    const gpgHome = await mkdtemp(join(tmpdir(), 'cutter-gpg-'));
    try {
      execFileSync('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', 'Cutter Test <test@example.invalid>', 'default', 'default', 'never'], { env: { ...process.env, GNUPGHOME: gpgHome }, stdio: 'ignore' });
      const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(execFileSync('gpg', ['--list-keys', '--with-colons'], { env: { ...process.env, GNUPGHOME: gpgHome } }).toString())?.[1] ?? '';
      const out = join(dir, 'encrypted');
      const runner = createPgDumpBackupRunner({ dsn: target.dsn ?? '', directory: out, gpgRecipient: fingerprint, gpgHome });
      const adapter = new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: target.provider, backupRunner: runner });
      const plan = samplePlan(3);
      const ctx = { runId: 'run-g', mode: Mode.Live, changeSet: pinChangeSet(plan, 'run-g') };
      await adapter.cutLegA({ ...ctx, runId: 'run-before', changeSet: pinChangeSet(plan, 'run-before') }, plan.rows);
      await adapter.releaseTarget({ runId: 'run-before' });
      const backup = await adapter.preWriteBackup(ctx);
      expect(backup.verified).toBe(true);
      expect(await readdir(out)).toEqual([`${backup.backupId}.dump.gpg`]);
      const plain = join(out, 'decrypted.dump');
      execFileSync('gpg', ['--batch', '--output', plain, '--decrypt', backup.location], { env: { ...process.env, GNUPGHOME: gpgHome }, stdio: 'ignore' });
      expect(await restoreInto(plain)).toBe(3);
    } finally {
      await rm(gpgHome, { recursive: true, force: true });
    }
  }, 60_000);

  it('a failing pg_dump fails the backup phase with the password masked, and nothing is recorded', async () => {
    const url = new URL(target.dsn ?? '');
    url.password = 'S3cr3t-Pa55';
    url.port = '1'; // nothing listens there
    const runner = createPgDumpBackupRunner({ dsn: url.toString(), directory: dir });
    const adapter = new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: target.provider, backupRunner: runner });
    const ctx = { runId: 'run-f', mode: Mode.Live, changeSet: pinChangeSet(samplePlan(1), 'run-f') };
    const error = await adapter.preWriteBackup(ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).not.toContain('S3cr3t-Pa55');
    expect(await target.admin(async (s) => Number((await s.query<{ n: string }>('SELECT count(*) AS n FROM cutter.backups')).rows[0]?.n))).toBe(0);
  }, 60_000);
});
