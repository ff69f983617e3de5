/**
 * docs/operations.md › The kill switch, done as written (walk of 2026-12-06, findings 1 and 2): the database switch
 * turned OFF by hand, with the doc's own UPDATE, under a LIVE run parked at SG_1 while this process's switch is ON.
 * The approval is taken, the backup phase's database lock refuses, the run halts with nothing written, the hint names
 * only `resume`, and `resume` once the switch is ON carries the run on. The hand change names who, why and when, and
 * leaves no ledger record (only `cutter kill-switch on|off` records one).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { main } from '../../src/cli/main.js';
import { KILL_SWITCH_ENV } from '../../src/kill-switch/env-kill-switch.js';
import { openTarget } from '../../src/postgres/open-target.js';
import { captureTerminal } from '../support/capture-terminal.js';

/** The UPDATE docs/operations.md gives for turning the switch by hand: the test runs the doc's own text. */
async function documentedUpdate(): Promise<string> {
  const doc = await readFile('docs/operations.md', 'utf8');
  const sql = /```sql\n(UPDATE cutter\.kill_switch [^\n]*)\n```/.exec(doc)?.[1];
  if (sql === undefined) throw new Error('docs/operations.md no longer shows the kill switch UPDATE');
  return sql;
}

describe('the database kill switch turned OFF by hand under a run at SG_1 (embedded database)', { timeout: 120_000 }, () => {
  let dir = '';
  // Put back as found; empty reads as OFF, like unset.
  const before = process.env[KILL_SWITCH_ENV];
  const cli = async (...args: string[]) => {
    const terminal = captureTerminal();
    const code = await main([...args, '--data-dir', join(dir, 'db')], terminal);
    return { code, out: terminal.out.join('\n'), err: terminal.err.join('\n') };
  };
  const sql = async <T>(text: string): Promise<T[]> => {
    const target = await openTarget({ kind: 'embedded', dataDir: join(dir, 'db') });
    try {
      return await target.admin(async (s) => (await s.query<T & Record<string, unknown>>(text)).rows);
    } finally {
      await target.close();
    }
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cutter-ks-hand-'));
    // This process's switch is ON, as in the shell of an operator who approves LIVE runs.
    process.env[KILL_SWITCH_ENV] = 'on';
    expect(await main(['keys', 'generate', 'alice', '--out', dir], captureTerminal())).toBe(ExitCode.Ok);
    await writeFile(join(dir, 'cutter.config.json'), JSON.stringify({ approvers: { alice: join(dir, 'alice.pub') } }));
    await writeFile(join(dir, 'doc.md'), '# Doc\n\nBody.\n\n## Part\n\nMore.\n');
    expect((await cli('init')).code).toBe(ExitCode.Ok);
    expect((await cli('kill-switch', 'on', '--as', 'ops', '--reason', 'change window')).code).toBe(ExitCode.Ok);
  }, 120_000);
  afterAll(async () => {
    process.env[KILL_SWITCH_ENV] = before ?? '';
    await rm(dir, { recursive: true, force: true });
  });

  it('approve is taken, the backup phase refuses, the run halts with nothing written; resume after ON goes on', async () => {
    const config = ['--config', join(dir, 'cutter.config.json')];
    const started = await cli('run', join(dir, 'doc.md'), '--mode', 'live', '--initiator', 'carol', '--json', ...config);
    expect(started.code, started.err).toBe(ExitCode.Ok);
    const runId = (JSON.parse(started.out) as { runId: string }).runId;

    const handChangedAt = Date.now();
    await sql(await documentedUpdate());
    const status = await cli('kill-switch', 'status', '--json');
    const row = JSON.parse(status.out) as { enabled: boolean; changedBy: string; reason: string; changedAt: string };
    // The hand change names who, why and when: status shows this change, not the earlier `cutter kill-switch on`.
    expect(row).toMatchObject({ enabled: false, changedBy: 'you', reason: 'why' });
    expect(Date.parse(row.changedAt)).toBeGreaterThanOrEqual(handChangedAt - 1_000);
    const ledger = JSON.parse((await cli('ledger', 'show', '--json')).out) as { kind: string }[];
    expect(ledger.filter((r) => r.kind === 'kill-switch')).toHaveLength(1);

    const approved = await cli('approve', runId, '--gate', 'cut', '--as', 'alice', '--key', join(dir, 'alice.key'), '--reason', 'reviewed', ...config);
    expect(approved.code).toBe(ExitCode.Refused);
    expect(approved.out).toContain('halted: the kill switch stopped the run');
    expect(approved.out).toContain('SG_1       approved by alice: reviewed');
    expect(approved.out).toMatch(/error {6}E_KILL_SWITCH_OFF: .*database.*preWriteBackup/);
    const hint = approved.out.split('\n').find((l) => l.startsWith('hint: ')) ?? '';
    expect(hint).toContain(`cutter resume ${runId}`);
    expect(hint).not.toMatch(/approve again/);
    expect(await sql<{ n: number }>('SELECT count(*)::int AS n FROM cutter.iu_versions')).toEqual([{ n: 0 }]);
    expect(await sql<{ n: number }>('SELECT count(*)::int AS n FROM cutter.backups')).toEqual([{ n: 0 }]);

    expect((await cli('kill-switch', 'on', '--as', 'ops', '--reason', 'back on')).code).toBe(ExitCode.Ok);
    const resumed = await cli('resume', runId, '--as', 'ops', '--json', ...config);
    expect(resumed.code, resumed.err).toBe(ExitCode.Ok);
    expect(JSON.parse(resumed.out)).toMatchObject({ state: 'awaitingEnactApproval', status: 'parked' });
    expect((await cli('list')).out).toMatch(new RegExp(`${runId}\\s+LIVE\\s+awaitingEnactApproval\\s+parked\\s`));
    expect(JSON.parse((await cli('list', '--json')).out)).toEqual([expect.objectContaining({ runId, state: 'awaitingEnactApproval', status: 'parked' })]);
  });
});
