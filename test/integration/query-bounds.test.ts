/**
 * A PostgreSQL target that lets a command connect but never answers its queries must not hang it. Two cases:
 * - a server that completes the login and then says nothing (a hung server, a proxy): every command's connection ends
 *   with a first answer, bounded by $CUTTER_CONNECT_TIMEOUT, so status, list, init and a run all refuse with
 *   E_TARGET_UNAVAILABLE (before, they waited for ever after the login);
 * - a real server where another session holds a lock on Cutter's tables: a read-only command's statements are bounded
 *   by $CUTTER_QUERY_TIMEOUT, init's lock waits too; a writing command is not bounded (a cut, or a wait behind one,
 *   may rightly take long), shown by kill-switch on waiting out a lock that kill-switch status gives up on.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { main } from '../../src/cli/main.js';
import { captureTerminal } from '../support/capture-terminal.js';
import { startStalledServer, type StalledServer } from '../support/stalled-server.js';
import { openTarget, POSTGRES_URL, type Target } from '../support/targets.js';

async function cutter(args: string[], env: Record<string, string>) {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    const terminal = captureTerminal();
    const code = await main(args, terminal);
    return { code, out: terminal.out.join('\n'), err: terminal.err.join('\n'), hint: terminal.err.find((l) => l.startsWith('hint: ')) ?? '' };
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) Reflect.deleteProperty(process.env, k); else process.env[k] = v;
  }
}

describe('a server that completes the login, then never answers', () => {
  let server: StalledServer;
  let dir = '';
  beforeAll(async () => {
    server = await startStalledServer();
    dir = await mkdtemp(join(tmpdir(), 'cutter-stalled-'));
    await writeFile(join(dir, 'doc.md'), '# Doc\n\nBody.\n');
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.each([['status'], ['list'], ['init'], ['run', 'DOC', '--mode', 'live']])('cutter %s: E_TARGET_UNAVAILABLE (timeout) with its fix, exit 4', async (...args) => {
    const before = server.queries();
    const dsn = `postgres://postgres@127.0.0.1:${server.port}/postgres`;
    const result = await cutter([...args.map((a) => (a === 'DOC' ? join(dir, 'doc.md') : a)), '--database-url', dsn], { CUTTER_CONNECT_TIMEOUT: '0.5' });
    expect(result.code).toBe(ExitCode.Refused);
    expect(result.err).toContain(`error E_TARGET_UNAVAILABLE: cannot connect to PostgreSQL ${dsn}: the server completed the login but did not answer a query within 0.5 s`);
    expect(result.hint).toMatch(/did not answer in time/);
    // The login completed and a query was sent: this is the case after the connect timeout's.
    expect(server.queries()).toBeGreaterThan(before);
  }, 20_000);
});

// Needs a PostgreSQL server (CUTTER_TEST_DATABASE_URL); skipped only without one. CI sets CUTTER_REQUIRE_POSTGRES=1,
// and then test/support/targets.ts fails the suite if the URL is missing, so this tier never skips there.
describe.runIf(POSTGRES_URL !== undefined && POSTGRES_URL !== '')('another session holds a lock on Cutter\'s tables', () => {
  let target: Target;
  let holder: pg.Client;
  const dsn = () => target.dsn ?? '';
  /** Takes `table` in ACCESS EXCLUSIVE mode in an open transaction; returns its release. */
  const hold = async (table: string) => {
    await holder.query('BEGIN');
    await holder.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
    return () => holder.query('ROLLBACK');
  };
  beforeAll(async () => {
    target = await openTarget('postgres');
    holder = new pg.Client({ connectionString: dsn() });
    await holder.connect();
  }, 30_000);
  afterAll(async () => {
    await holder.end();
    await target.close();
  });

  it.each([['list'], ['status']])('cutter %s gives up after $CUTTER_QUERY_TIMEOUT: E_TARGET_UNAVAILABLE naming the lock as the likely cause, exit 4', async (command) => {
    const release = await hold('cutter.runs');
    try {
      const result = await cutter([command, '--database-url', dsn()], { CUTTER_QUERY_TIMEOUT: '1' });
      expect(result.code).toBe(ExitCode.Refused);
      expect(result.err).toMatch(/^error E_TARGET_UNAVAILABLE: PostgreSQL .* did not finish a statement within 1 s \(canceling statement due to statement timeout\)/);
      expect(result.hint).toContain('pg_locks');
      expect(result.hint).toContain('$CUTTER_QUERY_TIMEOUT');
    } finally {
      await release();
    }
    // Once the lock is gone, the same command works.
    expect((await cutter([command, '--database-url', dsn()], { CUTTER_QUERY_TIMEOUT: '1' })).code).toBe(command === 'list' ? ExitCode.Ok : ExitCode.InvalidInput);
  }, 20_000);

  it('cutter init does not wait for ever behind a lock: E_TARGET_UNAVAILABLE (lock), exit 4', async () => {
    const release = await hold('cutter.schema_migrations');
    try {
      const result = await cutter(['init', '--database-url', dsn()], { CUTTER_QUERY_TIMEOUT: '1' });
      expect(result.code).toBe(ExitCode.Refused);
      expect(result.err).toMatch(/error E_TARGET_UNAVAILABLE: PostgreSQL .* could not take a lock within 1 s: another session holds it/);
      expect(result.hint).toContain('pg_stat_activity');
    } finally {
      await release();
    }
  }, 20_000);

  it('a writing command is not bounded: kill-switch on waits out a lock held past the timeout that kill-switch status gives up on', async () => {
    let release = await hold('cutter.kill_switch');
    try {
      const status = await cutter(['kill-switch', 'status', '--database-url', dsn()], { CUTTER_QUERY_TIMEOUT: '1' });
      expect(status.code).toBe(ExitCode.Refused);
      expect(status.err).toContain('did not finish a statement within 1 s');
    } finally {
      await release();
    }
    release = await hold('cutter.kill_switch');
    // Released only after three times the timeout: a bounded statement would have been cancelled by then.
    const released = new Promise<void>((resolve) => { setTimeout(() => { void release().then(() => { resolve(); }); }, 3_000); });
    const on = await cutter(['kill-switch', 'on', '--as', 'ops', '--reason', 'after the lock', '--database-url', dsn()], { CUTTER_QUERY_TIMEOUT: '1' });
    await released;
    expect([on.code, on.err]).toEqual([ExitCode.Ok, '']);
    expect(on.out).toContain('kill switch ON (set by ops');
  }, 20_000);
});
