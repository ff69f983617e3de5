/**
 * `npm start`'s job through the CLI, on the embedded database and (when CUTTER_TEST_DATABASE_URL is set) on
 * PostgreSQL: a LIVE run leaves exactly the expected IU rows, lifecycle-log rows and one ledger entry, and nothing
 * else; a second run with unchanged documents writes nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { main } from '../../src/cli/main.js';
import { loadPlanSources } from '../../src/planning/index.js';
import { openTarget as openCutterTarget, type OpenTarget } from '../../src/postgres/open-target.js';
import { captureTerminal } from '../support/capture-terminal.js';
import { TARGET_KINDS, openTarget as openTestTarget, type Target } from '../support/targets.js';

const examples = join(process.cwd(), 'examples', 'docs');

describe.each(TARGET_KINDS)('cutter demo on %s', (kind) => {
  let dataDir = '';
  let testTarget: Target | null = null;
  let args: string[] = [];
  let open: () => Promise<OpenTarget>;

  beforeAll(async () => {
    if (kind === 'pglite') {
      dataDir = await mkdtemp(join(tmpdir(), 'cutter-demo-'));
      args = ['--data-dir', dataDir];
      open = () => openCutterTarget({ kind: 'embedded', dataDir });
    } else {
      testTarget = await openTestTarget('postgres');
      const dsn = testTarget.dsn ?? '';
      // A real PostgreSQL target is refused without the flag (see cli-demo-real-target.test.ts).
      args = ['--database-url', dsn, '--allow-real-target'];
      open = () => openCutterTarget({ kind: 'postgres', dsn });
    }
  }, 60_000);
  afterAll(async () => {
    if (dataDir !== '') await rm(dataDir, { recursive: true, force: true });
    await testTarget?.close();
  });

  const counts = async () => {
    const target = await open();
    try {
      return await target.admin(async (s) => {
        const one = async (sql: string) => Number((await s.query<{ n: string }>(sql)).rows[0]?.n ?? 0);
        return {
          enacted: await one("SELECT count(*) AS n FROM cutter.iu_versions WHERE status = 'enacted'"),
          versions: await one('SELECT count(*) AS n FROM cutter.iu_versions'),
          log: await one('SELECT count(*) AS n FROM cutter.lifecycle_log'),
          ledger: await one("SELECT count(*) AS n FROM cutter.ledger WHERE kind = 'change-set'"),
          switchOn: await one('SELECT count(*) AS n FROM cutter.kill_switch WHERE enabled'),
        };
      });
    } finally {
      await target.close();
    }
  };

  it('runs LIVE: every planned IU enacted once, one lifecycle row per move, one ledger entry, switch left OFF', async () => {
    const planned = (await loadPlanSources([examples])).rows.length;
    const terminal = captureTerminal();
    expect(await main(['demo', ...args], terminal)).toBe(ExitCode.Ok);
    const text = terminal.out.join('\n');
    expect(text).toContain('1. DRYRUN');
    expect(text).toMatch(/2\. LIVE on/);
    expect(text).toMatch(/LIVE run .* ended completed/);
    expect(text).toMatch(/Governance ledger \(1 record, chain verifies\)/);
    expect(await counts()).toEqual({ enacted: planned, versions: planned, log: planned * 2, ledger: 1, switchOn: 0 });
    // Both runs are stored in the target, released (no hold left), as `cutter run` stores its own.
    const liveId = /LIVE run (\S+) ended completed/.exec(text)?.[1];
    const listed = captureTerminal();
    expect(await main(['list', '--json', ...args.filter((a) => a !== '--allow-real-target')], listed)).toBe(ExitCode.Ok);
    const runs = JSON.parse(listed.out.join('\n')) as { runId: string; mode: string; status: string }[];
    expect(runs.map((r) => [r.mode, r.status])).toEqual([['DRYRUN', 'completed'], ['LIVE', 'completed']]);
    expect(runs[1]?.runId).toBe(liveId);
    const target = await open();
    try {
      expect(await target.admin(async (s) => Number((await s.query<{ n: string }>('SELECT count(*) AS n FROM cutter.run_holds')).rows[0]?.n))).toBe(0);
    } finally {
      await target.close();
    }
  }, 60_000);

  it('a second run with unchanged documents says nothing changed and writes nothing', async () => {
    const before = await counts();
    const terminal = captureTerminal();
    expect(await main(['demo', ...args], terminal)).toBe(ExitCode.Ok);
    expect(terminal.out.join('\n')).toContain('Nothing changed');
    expect(await counts()).toEqual(before);
  }, 60_000);
});
