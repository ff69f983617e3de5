/**
 * `cutter demo` writes LIVE with approvals it signs itself, so a real PostgreSQL target is refused unless the operator
 * passes --allow-real-target, and the refusal writes nothing. With the flag, the operator's kill switch is exactly as
 * it was after the demo, whether it was OFF or ON, with the same who, why and when; a switch someone changes while
 * the demo runs keeps their change.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { giveBackKillSwitch, takeKillSwitch } from '../../src/cli/demo/demo-kill-switch.js';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { main } from '../../src/cli/main.js';
import { DATABASE_URL_ENV } from '../../src/cli/target-options.js';
import { captureTerminal } from '../support/capture-terminal.js';
import { POSTGRES_URL, TARGET_KINDS, openTarget, type Target } from '../support/targets.js';

const cutter = async (args: string[]) => {
  const terminal = captureTerminal();
  const code = await main(args, terminal);
  return { code, out: terminal.out.join('\n'), err: terminal.err.join('\n') };
};

/** An empty database of its own (no cutter schema), and a way to see everything in it. */
async function emptyDatabase() {
  const name = `cutter_demo_refused_${randomBytes(5).toString('hex')}`;
  const admin = async <T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try { return await work(client); } finally { await client.end(); }
  };
  await admin(POSTGRES_URL ?? '', (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(POSTGRES_URL ?? '');
  url.pathname = `/${name}`;
  const dsn = url.toString();
  return {
    dsn,
    /** Every schema, relation and function a user created in it; empty for a database nobody wrote to. */
    contents: () => admin(dsn, async (c) => ({
      schemas: (await c.query<{ nspname: string }>("SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname NOT IN ('information_schema', 'public')")).rows.map((r) => r.nspname),
      relations: (await c.query<{ relname: string }>("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'")).rows.map((r) => r.relname),
      functions: Number((await c.query<{ n: string }>("SELECT count(*) AS n FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'")).rows[0]?.n),
    })),
    drop: () => admin(POSTGRES_URL ?? '', (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

// Needs a PostgreSQL server (CUTTER_TEST_DATABASE_URL); skipped only without one. CI sets CUTTER_REQUIRE_POSTGRES=1,
// and then test/support/targets.ts fails the suite if the URL is missing, so this tier never skips there.
describe.runIf(TARGET_KINDS.includes('postgres'))('cutter demo on a real PostgreSQL target', () => {
  let empty: Awaited<ReturnType<typeof emptyDatabase>>;
  let target: Target;
  let dir = '';

  beforeAll(async () => {
    empty = await emptyDatabase();
    target = await openTarget('postgres');
    dir = await mkdtemp(join(tmpdir(), 'cutter-demo-real-'));
  }, 60_000);
  afterAll(async () => {
    await empty.drop();
    await target.close();
    await rm(dir, { recursive: true, force: true });
  });

  const killSwitchRow = () => target.admin(async (s) => (await s.query('SELECT enabled, changed_by, reason, changed_at::text AS changed_at FROM cutter.kill_switch')).rows);
  /** A source of its own for each LIVE demo, so that each one has something to write. */
  const source = async (n: number) => {
    const file = join(dir, `note-${n}.md`);
    await writeFile(file, `# Demo note ${n}\n\nVersion ${n} of a note the demo writes.\n`);
    return file;
  };

  it('without --allow-real-target it is refused (exit 4, E_DEMO_TARGET_REFUSED with a hint) and writes nothing', async () => {
    expect(await empty.contents()).toEqual({ schemas: [], relations: [], functions: 0 });
    for (const extra of [[], ['--dry-run-only'], ['--json']]) {
      const refused = await cutter(['demo', '--database-url', empty.dsn, ...extra]);
      expect(refused.code).toBe(ExitCode.Refused);
      expect(refused.err).toContain('error E_DEMO_TARGET_REFUSED');
      expect(refused.err).toMatch(/hint: .*--allow-real-target/);
      // Only --json prints on stdout: the error, as JSON.
      if (extra.includes('--json')) expect(JSON.parse(refused.out)).toMatchObject({ error: { code: 'E_DEMO_TARGET_REFUSED' }, exit: ExitCode.Refused });
      else expect(refused.out).toBe('');
    }
    // The environment's URL is a real target too.
    vi.stubEnv(DATABASE_URL_ENV, empty.dsn);
    try {
      expect((await cutter(['demo'])).code).toBe(ExitCode.Refused);
    } finally {
      vi.unstubAllEnvs();
    }
    expect(await empty.contents()).toEqual({ schemas: [], relations: [], functions: 0 });
  }, 30_000);

  it('with the flag, an operator\'s kill switch that was OFF is exactly as before: state, who, why and when', async () => {
    expect((await cutter(['kill-switch', 'off', '--as', 'alice', '--reason', 'frozen for the audit', '--database-url', target.dsn ?? ''])).code).toBe(ExitCode.Ok);
    const before = await killSwitchRow();
    expect(before).toMatchObject([{ enabled: false, changed_by: 'alice', reason: 'frozen for the audit' }]);
    const demo = await cutter(['demo', await source(1), '--database-url', target.dsn ?? '', '--allow-real-target']);
    expect({ code: demo.code, err: demo.err }).toMatchObject({ code: ExitCode.Ok });
    // Completed LIVE: the database lock let its phases through, so the switch was ON while it ran.
    expect(demo.out).toMatch(/LIVE run \S+ ended completed/);
    expect(demo.out).toContain('kill switch ON for this run only');
    expect(demo.err).toContain('demo on a real target');
    expect(await killSwitchRow()).toEqual(before);
  }, 60_000);

  it('with the flag, an operator\'s kill switch that was ON stays ON with the operator\'s reason', async () => {
    expect((await cutter(['kill-switch', 'on', '--as', 'bob', '--reason', 'release window 14:00-16:00', '--database-url', target.dsn ?? ''])).code).toBe(ExitCode.Ok);
    const before = await killSwitchRow();
    expect(before).toMatchObject([{ enabled: true, changed_by: 'bob', reason: 'release window 14:00-16:00' }]);
    const demo = await cutter(['demo', await source(2), '--database-url', target.dsn ?? '', '--allow-real-target']);
    expect({ code: demo.code, err: demo.err }).toMatchObject({ code: ExitCode.Ok });
    expect(demo.out).toMatch(/LIVE run \S+ ended completed/);
    expect(demo.out).toContain('kill switch already ON: left as it is');
    expect(await killSwitchRow()).toEqual(before);
  }, 60_000);

  it('a switch someone changes while the demo holds it keeps their change; the demo does not put back the old one', async () => {
    await target.admin((s) => s.query("UPDATE cutter.kill_switch SET enabled = false, changed_by = 'carol', reason = 'before'"));
    const taken = await takeKillSwitch(target);
    expect(await killSwitchRow()).toMatchObject([{ enabled: true, changed_by: 'cutter demo' }]);
    await target.admin((s) => s.query("UPDATE cutter.kill_switch SET enabled = false, changed_by = 'dave', reason = 'incident: stop all writes'"));
    const during = await killSwitchRow();
    expect(await giveBackKillSwitch(target, taken)).toBe('changed-by-someone-else');
    expect(await killSwitchRow()).toEqual(during);
  });
});
