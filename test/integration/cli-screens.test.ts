/**
 * What `cutter status`, `cutter list` and `cutter resume` show and record (issue 18), in process on the embedded
 * database: status counts the refusals it does not print; list has a header and is oldest first; read-only commands
 * work with a configuration naming a pg_dump backup the embedded target cannot take; resume journals who resumed.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { main } from '../../src/cli/main.js';
import { openTarget } from '../../src/postgres/open-target.js';
import { PostgresRunStore } from '../../src/postgres/run-store.js';
import { createDurableRun } from '../../src/runs/durable-run.js';
import { captureTerminal } from '../support/capture-terminal.js';
import { approvalFor, policy, samplePlan } from '../support/fixtures.js';

describe('status, list and resume on the screen (CLI, embedded database)', { timeout: 60_000 }, () => {
  let dir = '';
  let dataDir = '';
  let config = '';
  const runIds: string[] = [];
  const cli = async (...args: string[]) => {
    const terminal = captureTerminal();
    const code = await main([...args, '--data-dir', dataDir], terminal);
    return { code, out: terminal.out.join('\n'), err: terminal.err.join('\n') };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cutter-cli-screens-'));
    dataDir = join(dir, 'db');
    // A pg_dump backup: only a LIVE run on PostgreSQL can take it; reading runs must not care.
    config = join(dir, 'cutter.config.json');
    await writeFile(config, JSON.stringify({ approvers: policy.approvers, backup: { kind: 'pg_dump' } }));
    expect((await cli('init')).code).toBe(ExitCode.Ok);
    const target = await openTarget({ kind: 'embedded', dataDir });
    try {
      const store = new PostgresRunStore((work) => target.admin(work));
      for (const initiator of ['carol', 'dora']) {
        const run = await createDurableRun({ store, mode: 'DRYRUN', plan: samplePlan(2, `handbook/${initiator}`), initiator, approvals: policy });
        run.start();
        const atCut = await run.settled();
        // Five self-approvals, each refused and journalled: more refusals than status prints.
        if (initiator === 'carol') for (let i = 1; i <= 5; i += 1) expect(run.approve(approvalFor(atCut, 'SG_1', 'carol', { reason: `mine, try ${i}` }))).toMatchObject({ accepted: false });
        await run.release();
        runIds.push(run.id);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await target.close();
    }
  }, 120_000);
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('status prints the last 3 refusals and says how many earlier ones it left out, and where they all are; the JSON has all 5', async () => {
    const [carol = ''] = runIds;
    const shown = await cli('status', carol, '--config', config);
    expect(shown.code).toBe(ExitCode.Ok);
    const refused = shown.out.split('\n').filter((line) => line.startsWith('refused'));
    expect(refused).toHaveLength(4);
    expect(refused[0]).toContain(`2 earlier refusals not shown (all of them: cutter status ${carol} --json, or cutter report ${carol})`);
    for (const line of refused.slice(1)) expect(line).toMatch(/^refused\s+SG_1: E_APPROVAL_\w+: .*self-approval/);
    const json = await cli('status', carol, '--json', '--config', config);
    expect((JSON.parse(json.out) as { context: { refusals: unknown[] } }).context.refusals).toHaveLength(5);
  });

  it('read-only commands need only what they read: status and list work although the configuration names a pg_dump backup', async () => {
    // Before: E_INVALID_INPUT backup.kind "pg_dump needs a PostgreSQL target", from a command that writes nothing.
    expect((await cli('status', '--config', config)).code).toBe(ExitCode.Ok);
    expect((await cli('list', '--config', config)).code).toBe(ExitCode.Ok);
  });

  it('list has a header and lists runs oldest first, so the newest is the last line; status without a run shows that one', async () => {
    const listed = await cli('list');
    expect(listed.code).toBe(ExitCode.Ok);
    const [header = '', ...rows] = listed.out.split('\n');
    expect(header.split(/\s{2,}/)).toEqual(['RUN', 'MODE', 'STATE', 'STATUS', 'INITIATOR', 'CREATED (UTC)', 'UPDATED (UTC)']);
    expect(rows.map((row) => row.split(/\s+/)[0])).toEqual(runIds);
    expect(rows[0]).toMatch(/carol\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+\d{4}-/);
    expect((await cli('status')).out).toContain(`run        ${runIds[1] ?? ''}`);
  });

  it('resume journals who resumed: the RESUME event and the restore both carry --as, and the report lists the resume by name', async () => {
    const [, dora = ''] = runIds;
    await cli('resume', dora, '--as', 'dave');
    const journal = (JSON.parse((await cli('status', dora, '--journal', '--json')).out) as { journal: { event: { type: string; by?: string } }[] }).journal;
    expect(journal.filter((e) => e.event.type === 'RESUME').map((e) => e.event.by)).toEqual(['dave']);
    expect(journal.filter((e) => e.event.type === 'cutter.restored').map((e) => e.event.by)).toEqual(['dave']);
    const report = await cli('report', dora, '--out', join(dir, 'dora.html'), '--json');
    expect(report.code).toBe(ExitCode.Ok);
    expect(JSON.parse(report.out)).toMatchObject({ decisions: 1, addresses: 2, killSwitchRecords: 0, interruptions: 0 });
  });
});
