/**
 * `cutter report` as a command: a DRYRUN run stored in the target is reported with `--json`; an unknown run exits 3;
 * on PostgreSQL (when CUTTER_TEST_DATABASE_URL is set) a DSN with a password is named in the page only masked (I8).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultReportFile } from '../../src/cli/commands/report.js';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { main } from '../../src/cli/main.js';
import { openTarget as openCutterTarget, type TargetConfig } from '../../src/postgres/open-target.js';
import { applyMigrations } from '../../src/postgres/migrations/index.js';
import { PostgresRunStore } from '../../src/postgres/run-store.js';
import { createDurableRun } from '../../src/runs/durable-run.js';
import { captureTerminal } from '../support/capture-terminal.js';
import { approvalFor, policy, samplePlan } from '../support/fixtures.js';
import { TARGET_KINDS, openTarget as openTestTarget, type Target } from '../support/targets.js';

const PASSWORD = 'report-s3cret-pw';

describe.each(TARGET_KINDS)('cutter report on %s', (kind) => {
  let dir = '';
  let testTarget: Target | null = null;
  let config: TargetConfig;
  let args: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cutter-report-cli-'));
    if (kind === 'pglite') {
      config = { kind: 'embedded', dataDir: join(dir, 'db') };
      args = ['--data-dir', config.dataDir];
    } else {
      testTarget = await openTestTarget('postgres');
      // Local test servers trust their clients, so the password is never checked: it is here to be masked.
      const url = new URL(testTarget.dsn ?? '');
      url.password = PASSWORD;
      config = { kind: 'postgres', dsn: url.toString() };
      args = ['--database-url', url.toString()];
    }
  }, 60_000);
  afterAll(async () => {
    await testTarget?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the report of a stored run and prints a summary as JSON; the page names the target without its password', async () => {
    const target = await openCutterTarget(config);
    let runId = '';
    try {
      await target.admin((s) => applyMigrations(s));
      const run = await createDurableRun({ store: new PostgresRunStore((w) => target.admin(w)), mode: 'DRYRUN', plan: samplePlan(2), initiator: 'carol', approvals: policy });
      runId = run.id;
      run.start();
      run.approve(approvalFor(await run.settled(), 'SG_1'));
      expect((await run.settled()).gate).toBe('SG_2');
    } finally {
      await target.close();
    }
    const out = join(dir, `${kind}.html`);
    const terminal = captureTerminal();
    expect(await main(['report', runId, '--out', out, '--json', ...args], terminal)).toBe(ExitCode.Ok);
    expect(JSON.parse(terminal.out.join('\n'))).toMatchObject({
      file: out, runId, mode: 'DRYRUN', state: 'awaitingEnactApproval', status: 'parked', pathComplete: true, timelineRows: 8, decisions: 1, ledgerEntries: 0,
    });
    const html = await readFile(out, 'utf8');
    expect(html).toContain(`<title>Cutter run ${runId}: parked</title>`);
    expect(html).not.toContain(PASSWORD);
    expect(html).not.toContain('Body of section');
    if (kind === 'postgres') expect(html).toContain(':***@');
  }, 60_000);

  it('an unknown run exits 3 with E_RUN_NOT_FOUND and writes nothing', async () => {
    const terminal = captureTerminal();
    const out = join(dir, 'missing.html');
    expect(await main(['report', 'no-such-run', '--out', out, ...args], terminal)).toBe(ExitCode.InvalidInput);
    expect(terminal.err.join('\n')).toContain('E_RUN_NOT_FOUND');
    await expect(readFile(out)).rejects.toMatchObject({ code: 'ENOENT' });
  }, 60_000);
});

describe('cutter report --help and defaults', () => {
  it('names the default file after the run, in characters safe for any file system', () => {
    expect(defaultReportFile('26a2eb99-2d9d-42cc')).toBe('cutter-report-26a2eb99-2d9d-42cc.html');
    expect(defaultReportFile('../x y')).toBe('cutter-report-.._x_y.html');
  });
});
