/**
 * I8: no secret in any log line, error, snapshot, journal or ledger row. A LIVE run on PostgreSQL with a known
 * password in its DSN and a GPG-encrypted pg_dump backup configured; a failing backup, a refused approval and the
 * CLI's own outputs along the way. Then every output is searched for the password: zero hits.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import { createLogger } from '../../src/logging/logger.js';
import { createPgDumpBackupRunner } from '../../src/postgres/backups/pg-dump-runner.js';
import { applyMigrations } from '../../src/postgres/migrations/index.js';
import { openTarget } from '../../src/postgres/open-target.js';
import { PostgresLiveExecutionAdapter } from '../../src/postgres/postgres-adapter.js';
import { PostgresRunStore } from '../../src/postgres/run-store.js';
import { setDatabaseKillSwitch } from '../../src/postgres/sql/kill-switch.js';
import { createDurableRun } from '../../src/runs/durable-run.js';
import { captureTerminal } from '../support/capture-terminal.js';
import { approvalFor, policy, samplePlan } from '../support/fixtures.js';
import { POSTGRES_URL, TARGET_KINDS } from '../support/targets.js';

const PASSWORD = `S3cr3t-${randomBytes(8).toString('hex')}`;

// Needs a PostgreSQL server (CUTTER_TEST_DATABASE_URL); skipped only without one. CI sets CUTTER_REQUIRE_POSTGRES=1,
// and then test/support/targets.ts fails the suite if the URL is missing, so this tier never skips there.
describe.runIf(TARGET_KINDS.includes('postgres'))('secrets never leak (postgres)', () => {
  const role = `cutter_secret_${randomBytes(4).toString('hex')}`;
  const db = `cutter_secret_db_${randomBytes(4).toString('hex')}`;
  let dsn = '';
  let dir = '';
  let gpgHome = '';
  const outputs: string[] = [];
  const root = () => new pg.Client({ connectionString: POSTGRES_URL });

  beforeAll(async () => {
    const admin = root();
    await admin.connect();
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${PASSWORD}'`);
    await admin.query(`CREATE DATABASE ${db} OWNER ${role}`);
    await admin.end();
    const url = new URL(POSTGRES_URL ?? '');
    url.username = role;
    url.password = PASSWORD;
    url.pathname = `/${db}`;
    dsn = url.toString();
    dir = await mkdtemp(join(tmpdir(), 'cutter-secrets-'));
    gpgHome = await mkdtemp(join(tmpdir(), 'cutter-secrets-gpg-'));
    execFileSync('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', 'Cutter Secrets <s@example.invalid>', 'default', 'default', 'never'], { env: { ...process.env, GNUPGHOME: gpgHome }, stdio: 'ignore' });
  }, 60_000);

  afterAll(async () => {
    const admin = root();
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await admin.query(`DROP OWNED BY ${role} CASCADE`).catch(() => undefined);
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
    await rm(dir, { recursive: true, force: true });
    await rm(gpgHome, { recursive: true, force: true });
  });

  it('a LIVE run with a password in its DSN and an encrypted backup leaves the password nowhere', async () => {
    const admin = root();
    await admin.connect();
    await admin.query(`GRANT cutter_exec, cutter_verify TO ${role}`);
    await admin.end();

    const logLines: string[] = [];
    const logger = createLogger({ level: 'trace', destination: new Writable({ write(chunk: Buffer, _enc, done) { logLines.push(chunk.toString()); done(); } }) });
    const target = await openTarget({ kind: 'postgres', dsn });
    try {
      await target.admin(async (s) => { await applyMigrations(s); await setDatabaseKillSwitch(s, true, 'test', 'secrets sweep'); });
      const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(execFileSync('gpg', ['--list-keys', '--with-colons'], { env: { ...process.env, GNUPGHOME: gpgHome } }).toString())?.[1] ?? '';
      const killSwitch = new InMemoryKillSwitch(true);
      const store = new PostgresRunStore((w) => target.admin(w));
      const backupRunner = createPgDumpBackupRunner({ dsn, directory: join(dir, 'dumps'), gpgRecipient: fingerprint, gpgHome });
      const adapter = new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: target.provider, backupRunner });

      // A backup that fails (nothing listens on port 1): its error must not carry the password either.
      const broken = new URL(dsn);
      broken.port = '1';
      const failing = new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: target.provider, backupRunner: createPgDumpBackupRunner({ dsn: broken.toString(), directory: dir }) });
      const failed = await createDurableRun({ store, mode: 'LIVE', plan: samplePlan(1, 'secret/failing'), initiator: 'carol', approvals: policy, executor: failing, killSwitch, logger });
      failed.start();
      failed.approve(approvalFor(await failed.settled(), 'SG_1'));
      const failedEnd = await failed.settled();
      expect(failedEnd.output?.status).toBe('failed');
      outputs.push(JSON.stringify(failedEnd));

      const run = await createDurableRun({ store, mode: 'LIVE', plan: samplePlan(3, 'secret/ok'), initiator: 'carol', approvals: policy, executor: adapter, killSwitch, logger });
      run.start();
      const atCut = await run.settled();
      outputs.push(JSON.stringify(run.approve(approvalFor(atCut, 'SG_1', 'alice', {}, 'mallory')))); // a refusal
      run.approve(approvalFor(atCut, 'SG_1'));
      run.approve(approvalFor(await run.settled(), 'SG_2', 'bob'));
      const end = await run.settled();
      expect(end.output?.status).toBe('completed');
      outputs.push(JSON.stringify(end));

      // Everything the database keeps about runs and their effects.
      for (const table of ['runs', 'run_journal', 'run_plans', 'run_plan_rows', 'ledger', 'backups', 'phase_records', 'verify_results', 'lifecycle_log', 'kill_switch', 'change_sets']) {
        outputs.push(JSON.stringify(await target.admin(async (s) => (await s.query(`SELECT * FROM cutter.${table}`)).rows)));
      }
    } finally {
      await target.close();
    }

    // The CLI's outputs, including an error about a target it cannot reach.
    for (const args of [['list', '--json'], ['status', '--json', '--journal'], ['ledger', 'verify'], ['kill-switch', 'status']]) {
      const terminal = captureTerminal();
      await main([...args, '--database-url', dsn], terminal);
      outputs.push(...terminal.out, ...terminal.err);
    }
    const unreachable = new URL(dsn);
    unreachable.port = '1';
    const terminal = captureTerminal();
    await main(['list', '--database-url', unreachable.toString()], terminal);
    outputs.push(...terminal.out, ...terminal.err);
    expect(terminal.err.join('\n')).toContain('E_');

    for (const file of await readdir(join(dir, 'dumps'))) outputs.push((await readFile(join(dir, 'dumps', file))).toString('latin1'));
    await writeFile(join(dir, 'everything.txt'), [...logLines, ...outputs].join('\n'));
    expect(logLines.length).toBeGreaterThan(10);
    const everything = [...logLines, ...outputs].join('\n');
    expect(everything.includes(PASSWORD), 'the password appears in an output').toBe(false);
    expect(everything.includes(encodeURIComponent(PASSWORD))).toBe(false);
  }, 120_000);
});
