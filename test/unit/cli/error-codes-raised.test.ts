/**
 * The error codes the CLI can raise cheaply, raised for real through `cutter`, in process, on a PostgreSQL test
 * database: each exits with docs/errors.md's code and prints a `hint:` (the other codes are walked in
 * error-codes-walk.test.ts, which checks that every documented code is walked by one of the two).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/cli/exit-codes.js';
import { main } from '../../../src/cli/main.js';
import { captureTerminal } from '../../support/capture-terminal.js';
import { documentedExit, hintLine } from '../../support/documented-errors.js';
import { POSTGRES_URL, openTarget, type Target } from '../../support/targets.js';

// Needs a PostgreSQL server (CUTTER_TEST_DATABASE_URL); skipped only without one. CI sets CUTTER_REQUIRE_POSTGRES=1,
// and then test/support/targets.ts fails the suite if the URL is missing, so this tier never skips there.
describe.runIf(POSTGRES_URL !== undefined && POSTGRES_URL !== '')('error codes raised for real through `cutter`, in process', () => {
  let target: Target;
  let dir = '';
  let silent: Server;
  let silentPort = 0;
  const dsn = () => target.dsn ?? '';
  const cutter = async (args: string[]) => {
    const terminal = captureTerminal();
    const code = await main(args, terminal);
    return { code, out: terminal.out.join('\n'), err: terminal.err.join('\n'), hint: hintLine(terminal.err) };
  };
  const withEnv = async <T>(env: Record<string, string>, work: () => Promise<T>): Promise<T> => {
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    try {
      return await work();
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) Reflect.deleteProperty(process.env, k); else process.env[k] = v;
    }
  };

  beforeAll(async () => {
    target = await openTarget('postgres');
    await target.admin((s) => s.exec("UPDATE cutter.kill_switch SET enabled = false, changed_by = 'test', reason = 'off'"));
    dir = await mkdtemp(join(tmpdir(), 'cutter-codes-'));
    // A server that accepts the TCP connection and never answers: connecting must time out, not hang.
    silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as { port: number }).port;
    expect(await main(['keys', 'generate', 'alice', '--out', dir], captureTerminal())).toBe(ExitCode.Ok);
    await writeFile(join(dir, 'cutter.config.json'), JSON.stringify({ approvers: { alice: 'alice.pub' } }));
    await writeFile(join(dir, 'doc.md'), '# Doc\n\nBody.\n');
  }, 60_000);
  afterAll(async () => {
    silent.close();
    await target.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('E_OPTION_MISSING: a missing --reason or --as is a usage error (exit 2) naming the option, before the run is touched', async () => {
    const approve = await cutter(['approve', 'run-that-does-not-exist', '--gate', 'cut', '--as', 'alice', '--key', join(dir, 'alice.key'), '--database-url', dsn()]);
    expect(approve.code).toBe(documentedExit('E_OPTION_MISSING'));
    expect(approve.err).toContain('E_OPTION_MISSING: --reason is required');
    expect(approve.hint).toContain('--reason');
    const killSwitch = await cutter(['kill-switch', 'on', '--reason', 'x', '--database-url', dsn()]);
    expect(killSwitch.code).toBe(ExitCode.Usage);
    expect(killSwitch.err).toContain('--as is required');
  });

  it('E_INVALID_INPUT: notaurl and port 99999 as a DSN, and a --key file that does not exist, each named', async () => {
    for (const url of ['notaurl', 'postgres://postgres@127.0.0.1:99999/x']) {
      const result = await cutter(['status', '--database-url', url]);
      expect(result.code, url).toBe(documentedExit('E_INVALID_INPUT'));
      expect(result.err, url).toContain('E_INVALID_INPUT: invalid input: database-url:');
      expect(result.hint.length).toBeGreaterThan(0);
    }
    const missingKey = join(dir, 'nobody.key');
    const key = await cutter(['approve', 'run-1', '--gate', 'SG_1', '--as', 'alice', '--key', missingKey, '--reason', 'ok', '--database-url', dsn()]);
    expect(key.code).toBe(ExitCode.InvalidInput);
    expect(key.err).toContain(missingKey);
    expect(key.err).toContain('no such file');
    const pub = await cutter(['approve', 'run-1', '--gate', 'SG_1', '--as', 'alice', '--key', join(dir, 'alice.pub'), '--reason', 'ok', '--database-url', dsn()]);
    expect(pub.code).toBe(ExitCode.InvalidInput);
    expect(pub.err).toContain(join(dir, 'alice.pub'));
    expect(pub.err).toContain('holds a public key');
  });

  it('E_TARGET_UNAVAILABLE: a refused connection, a database or role that does not exist, and a silent server, each with its fix, none hanging', async () => {
    const base = new URL(dsn());
    const cases: [string, string, RegExp][] = [
      ['refused', `postgres://postgres@127.0.0.1:1/postgres`, /start PostgreSQL there/],
      ['no database', Object.assign(new URL(base), { pathname: '/cutter_no_such_db' }).toString(), /Create the database/],
      ['no role', Object.assign(new URL(base), { username: 'cutter_no_such_role' }).toString(), /Create the login role|credentials/],
      ['silent', `postgres://postgres@127.0.0.1:${silentPort}/postgres`, /did not answer in time/],
    ];
    for (const [what, url, fix] of cases) {
      const started = Date.now();
      const result = await withEnv({ CUTTER_CONNECT_TIMEOUT: '0.5' }, () => cutter(['status', '--database-url', url]));
      expect(result.code, what).toBe(documentedExit('E_TARGET_UNAVAILABLE'));
      expect(result.err, what).toContain('error E_TARGET_UNAVAILABLE: cannot connect to PostgreSQL');
      expect(result.hint, what).toMatch(fix);
      expect(Date.now() - started, what).toBeLessThan(5_000);
    }
  }, 30_000);

  it('E_TARGET_NOT_READY, E_RUN_NOT_FOUND, E_KEY_EXISTS, E_DEMO_TARGET_REFUSED: exit and hint as documented', async () => {
    const bare = await cutter(['list', '--database-url', POSTGRES_URL ?? '']);
    expect([bare.code, bare.err]).toEqual([documentedExit('E_TARGET_NOT_READY'), expect.stringContaining('E_TARGET_NOT_READY')]);
    const missing = await cutter(['status', 'run-nope', '--database-url', dsn()]);
    expect([missing.code, missing.err]).toEqual([documentedExit('E_RUN_NOT_FOUND'), expect.stringContaining('E_RUN_NOT_FOUND')]);
    const again = await cutter(['keys', 'generate', 'alice', '--out', dir]);
    expect([again.code, again.err]).toEqual([documentedExit('E_KEY_EXISTS'), expect.stringContaining('E_KEY_EXISTS')]);
    const demo = await cutter(['demo', '--database-url', dsn()]);
    expect([demo.code, demo.err]).toEqual([documentedExit('E_DEMO_TARGET_REFUSED'), expect.stringContaining('E_DEMO_TARGET_REFUSED')]);
    for (const result of [bare, missing, again, demo]) expect(result.hint.length).toBeGreaterThan(20);
  });

  it('E_KILL_SWITCH_OFF: run --mode live warns at once on stderr; the approval is refused (exit 4) with a hint; reject without --reason is 2; reject on an ended run is E_INVALID_EVENT with a CLI hint', async () => {
    const config = ['--config', join(dir, 'cutter.config.json'), '--database-url', dsn()];
    const started = await cutter(['run', join(dir, 'doc.md'), '--mode', 'live', '--initiator', 'carol', '--json', ...config]);
    expect(started.code).toBe(ExitCode.Ok);
    expect(started.err).toMatch(/warning: the kill switch is OFF, so the cut of .* cannot start/);
    expect(started.err).toContain('cutter kill-switch on --as <name>');
    expect(started.err).toContain('CUTTER_EXECUTION_ENABLED=on');
    const runId = (JSON.parse(started.out) as { runId: string }).runId;

    const approved = await cutter(['approve', runId, '--gate', 'SG_1', '--as', 'alice', '--key', join(dir, 'alice.key'), '--reason', 'reviewed', ...config]);
    expect(approved.code).toBe(documentedExit('E_KILL_SWITCH_OFF'));
    expect(approved.err).toContain('refused E_KILL_SWITCH_OFF:');
    expect(approved.hint).toContain('cutter kill-switch on');

    expect((await cutter(['reject', runId, '--gate', 'cut', '--as', 'alice', ...config])).code).toBe(ExitCode.Usage);
    const rejected = await cutter(['reject', runId, '--gate', 'cut', '--as', 'alice', '--reason', 'not now', ...config]);
    expect(rejected.code).toBe(ExitCode.RunNotCompleted);
    expect(rejected.out).toContain('hint: The run ended rejected');
    expect(rejected.out).toContain(`cutter report ${runId}`);
    const again = await cutter(['reject', runId, '--gate', 'cut', '--as', 'alice', '--reason', 'again', ...config]);
    expect(again.code).toBe(documentedExit('E_INVALID_EVENT'));
    expect(again.hint).toContain(`cutter status <run>`);
    expect(again.hint).not.toContain('embedding.md');
  }, 30_000);

  it('E_LEDGER_BROKEN: ledger verify on an edited record prints the usual error line and a hint, exit 7', async () => {
    expect((await cutter(['kill-switch', 'on', '--as', 'ops', '--reason', 'a ledger record', '--database-url', dsn()])).code).toBe(ExitCode.Ok);
    await target.admin((s) => s.exec(`SET session_replication_role = replica;
      UPDATE cutter.ledger SET payload = jsonb_set(payload, '{reason}', '"edited"') WHERE seq = (SELECT max(seq) FROM cutter.ledger);
      SET session_replication_role = origin;`));
    const result = await cutter(['ledger', 'verify', '--database-url', dsn()]);
    expect(result.code).toBe(documentedExit('E_LEDGER_BROKEN'));
    expect(result.err).toMatch(/^error E_LEDGER_BROKEN: record #\d+/);
    expect(result.hint).toContain('kill-switch off');
  });
});
