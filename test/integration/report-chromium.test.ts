/**
 * `cutter report --html`, checked the way a person reads it: a real LIVE run completes on the embedded database
 * (with a refused self-approval whose reason is a script), the CLI writes the report, and headless Chromium opens the
 * file. It checks the visible text of every section, that the statechart is a visible SVG whose visited states are
 * drawn differently from the others, that the page asks the network for nothing but itself and logs no error. A
 * screenshot is kept in test-output/report.png.
 *
 * Runs when a Chromium binary is found ($CHROMIUM_PATH, else /usr/bin/chromium). With CUTTER_REQUIRE_CHROMIUM=1 (CI
 * sets it) a missing binary fails the test instead of skipping it.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { main } from '../../src/cli/main.js';
import { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import { snapshotBackupRunner } from '../../src/postgres/backups/snapshot-runner.js';
import { openTarget } from '../../src/postgres/open-target.js';
import { PostgresLiveExecutionAdapter } from '../../src/postgres/postgres-adapter.js';
import { PostgresRunStore } from '../../src/postgres/run-store.js';
import { appendLedger, readTimedLedger } from '../../src/postgres/sql/ledger.js';
import { createDurableRun } from '../../src/runs/durable-run.js';
import { captureTerminal } from '../support/capture-terminal.js';
import { approvalFor, policy, samplePlan } from '../support/fixtures.js';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_REQUIRED = process.env.CUTTER_REQUIRE_CHROMIUM === '1';
// Checkable reason for a skip: no file at CHROMIUM_PATH (default /usr/bin/chromium) and CUTTER_REQUIRE_CHROMIUM unset.
const chromiumFound = existsSync(CHROMIUM_PATH);
const SCREENSHOT = resolve('test-output', 'report.png');
const HOSTILE_REASON = '<script>window.__pwned = true</script> approving my own run';
const STATES_VISITED = ['precheck', 'planning', 'awaitingCutApproval', 'backingUp', 'cutting', 'recordingLedger', 'verifying', 'awaitingEnactApproval', 'enacting', 'completed'];

// Needs Chromium; skipped only where it is not installed. CI sets CUTTER_REQUIRE_CHROMIUM=1, which runs it regardless
// (and fails if Chromium is missing), so CI never skips it.
describe.runIf(chromiumFound || CHROMIUM_REQUIRED)('cutter report --html in headless Chromium', { timeout: 60_000 }, () => {
  let dir = '';
  let runId = '';
  let reportFile = '';
  let ledgerHash = '';
  let context: BrowserContext | null = null;
  let page: Page;
  const requests: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    if (!chromiumFound) {
      throw new Error(`CUTTER_REQUIRE_CHROMIUM=1 but there is no Chromium at ${CHROMIUM_PATH}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`);
    }
    dir = await mkdtemp(join(tmpdir(), 'cutter-report-'));
    await mkdir(dirname(SCREENSHOT), { recursive: true });
    const dataDir = join(dir, 'db');
    const cli = async (...args: string[]) => {
      const terminal = captureTerminal();
      const code = await main([...args, '--data-dir', dataDir], terminal);
      return { code, out: terminal.out.join('\n'), err: terminal.err.join('\n') };
    };
    expect((await cli('init')).code).toBe(ExitCode.Ok);
    expect((await cli('kill-switch', 'on', '--as', 'ops', '--reason', 'change window CHG-7')).code).toBe(ExitCode.Ok);

    // A real LIVE run on the embedded database, through the durable-run API the CLI uses.
    const target = await openTarget({ kind: 'embedded', dataDir });
    try {
      const killSwitch = new InMemoryKillSwitch(true);
      const run = await createDurableRun({
        store: new PostgresRunStore((work) => target.admin(work)), mode: 'LIVE', plan: samplePlan(4), initiator: 'carol', approvals: policy, killSwitch,
        executor: new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: target.provider, backupRunner: snapshotBackupRunner }),
      });
      runId = run.id;
      run.start();
      const atCut = await run.settled();
      expect(run.approve(approvalFor(atCut, 'SG_1', 'carol', { reason: HOSTILE_REASON }))).toMatchObject({ accepted: false });
      expect(run.approve(approvalFor(atCut, 'SG_1', 'alice', { reason: 'plan reviewed in CHG-7' }))).toEqual({ accepted: true });
      const atEnact = await run.settled();
      // The database switch re-armed while the run waits at SG_2: the report lists it among the run's kill-switch records.
      await target.admin((s) => appendLedger(s, { kind: 'kill-switch', changeSetId: null, payload: { enabled: true, by: 'ops', reason: 're-armed for CHG-7' } }));
      expect(run.approve(approvalFor(atEnact, 'SG_2', 'bob', { reason: 'content review passed' }))).toEqual({ accepted: true });
      expect((await run.done()).status).toBe('completed');
      const changeSetId = atEnact.context.changeSet?.changeSetId;
      ledgerHash = (await target.admin((s) => readTimedLedger(s))).find((r) => r.changeSetId === changeSetId)?.recordHash ?? '';
      expect(ledgerHash).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await target.close();
    }

    reportFile = join(dir, 'report.html');
    const written = await cli('report', runId, '--html', '--out', reportFile, '--json');
    expect(written.code).toBe(ExitCode.Ok);
    expect(JSON.parse(written.out)).toMatchObject({ file: reportFile, runId, state: 'completed', status: 'completed', pathComplete: true, decisions: 3, ledgerEntries: 1, ledgerChainOk: true, addresses: 4, killSwitchRecords: 1, interruptions: 0 });

    context = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
      viewport: { width: 1280, height: 900 },
    });
    context.on('request', (request) => { requests.push(request.url()); });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => { if (message.type() === 'error') consoleErrors.push(message.text()); });
    page.on('pageerror', (error) => { consoleErrors.push(error.message); });
    await page.goto(pathToFileURL(reportFile).href, { waitUntil: 'load' });
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('shows the header: run id, mode, masked target, final state, status and plan hash', async () => {
    const header = page.locator('header.report');
    await expect.poll(() => header.isVisible()).toBe(true);
    const text = await header.innerText();
    expect(text).toContain(runId);
    expect(text).toContain('LIVE');
    expect(text).toContain('embedded database in');
    expect(text).toMatch(/Final state\s+completed/);
    expect(text).toMatch(/Initiator\s+carol/);
    expect(text).toMatch(/Plan hash\s+[0-9a-f]{64}/);
    expect(await page.locator('#run-status').innerText()).toMatch(/completed/i);
  });

  it('lists every stay of the run in the phase timeline, phases with their rows', async () => {
    const rows = page.locator('#timeline tbody tr');
    expect(await rows.count()).toBe(STATES_VISITED.length);
    for (const [i, state] of STATES_VISITED.entries()) {
      const cells = await rows.nth(i).locator('td').allInnerTexts();
      expect(cells[1]).toBe(state);
      expect(await rows.nth(i).isVisible()).toBe(true);
    }
    const cut = await rows.nth(STATES_VISITED.indexOf('cutting')).locator('td').allInnerTexts();
    expect(cut.slice(2)).toEqual(['phase cut', expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3}$/), expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3}$/), expect.stringMatching(/ms|s$/), '4', 'done', '4 IU versions created as drafts']);
  });

  it('names the approvers and shows the refused approval\'s script-like reason as text, never running it', async () => {
    const section = await page.locator('#approvals').innerText();
    expect(section).toContain('alice');
    expect(section).toContain('bob');
    expect(section).toContain('plan reviewed in CHG-7');
    expect(section).toContain(HOSTILE_REASON);
    expect(section).toMatch(/refused\s+E_APPROVAL_INVALID/);
    expect(await page.locator('script').count()).toBe(0);
    // A string, since the project compiles without the DOM's types.
    expect(await page.evaluate('typeof window.__pwned')).toBe('undefined');
  });

  it('shows the change set\'s ledger entry with its hash prefix', async () => {
    const rows = page.locator('#ledger tbody tr');
    expect(await rows.count()).toBe(1);
    const text = await rows.first().innerText();
    expect(text).toContain(ledgerHash.slice(0, 16));
    expect(text).toContain('change-set');
    expect(await page.locator('#ledger').innerText()).toMatch(/chain intact: 3 records/);
  });

  it('shows the addresses the change set touched, each approval\'s expiry, and the kill-switch record made during the run', async () => {
    const addresses = await page.locator('#addresses').innerText();
    expect(addresses).toContain('Addresses in the change set (4 addresses)');
    expect(await page.locator('#addresses tbody tr').count()).toBe(4);
    expect(addresses).toContain('handbook/test/section-4');
    const approvals = page.locator('#approvals');
    expect(await approvals.locator('th').allInnerTexts()).toContain('EXPIRES (UTC)');
    const bob = (await approvals.locator('tbody tr').allInnerTexts()).find((row) => row.includes('bob')) ?? '';
    // Signed, then expires (an hour later: on the run's first day it is shown without its date), then the outcome.
    expect(bob).toMatch(/\d\d:\d\d:\d\d\.\d{3}\s+(?:\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d\.\d{3}\s+accepted$/);
    const killSwitch = await page.locator('#kill-switch tbody').innerText();
    expect(killSwitch).toMatch(/ON\s+ops\s+re-armed for CHG-7/);
    expect(killSwitch).not.toContain('change window CHG-7');
  });

  it('keeps every table inside its card, even in a narrow window: a wide one scrolls within it', async () => {
    await page.setViewportSize({ width: 760, height: 900 });
    try {
      for (const id of ['timeline', 'approvals', 'addresses', 'kill-switch', 'ledger']) {
        // Runs in the page; the project compiles without the DOM's types, so the element is typed here.
        const fits = await page.locator(`#${id}`).evaluate((section) => {
          const box = section as unknown as { scrollWidth: number; clientWidth: number; getBoundingClientRect(): { right: number }; querySelector(s: string): { getBoundingClientRect(): { right: number } } | null };
          const table = box.querySelector('.scroll') ?? box.querySelector('table');
          return { overflow: box.scrollWidth - box.clientWidth, sticksOut: (table?.getBoundingClientRect().right ?? 0) - box.getBoundingClientRect().right };
        });
        expect({ id, ...fits }).toEqual({ id, overflow: 0, sticksOut: expect.any(Number) as number });
        expect(fits.sticksOut).toBeLessThanOrEqual(0);
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('draws the statechart as a visible SVG, the visited states filled and outlined unlike the others', async () => {
    const svg = page.locator('#statechart svg');
    expect(await svg.isVisible()).toBe(true);
    expect((await svg.boundingBox())?.width).toBeGreaterThan(400);
    // Runs in the page; the project compiles without the DOM's types, so the browser global is typed here.
    const look = (selector: string) => page.locator(selector).locator('path, polygon').first().evaluate((shape) => {
      const style = (globalThis as unknown as { getComputedStyle(e: unknown): { fill: string; stroke: string } }).getComputedStyle(shape);
      return { fill: style.fill, stroke: style.stroke };
    });
    const unvisited = await look('g[id="state:failed"]');
    for (const state of STATES_VISITED.filter((s) => s !== 'completed')) {
      const visited = await look(`g[id="state:${state}"]`);
      expect(visited.fill).not.toBe(unvisited.fill);
      expect(visited.stroke).not.toBe(unvisited.stroke);
    }
    expect(await page.locator('#statechart g.node.unvisited').count()).toBeGreaterThan(5);
    expect(await page.locator('#statechart g.edge.taken').count()).toBeGreaterThanOrEqual(STATES_VISITED.length);
  });

  it('fetches nothing but the file itself and logs no error; the screenshot is kept', async () => {
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(requests).toEqual([pathToFileURL(reportFile).href]);
    expect(consoleErrors).toEqual([]);
    expect((await readFile(SCREENSHOT)).subarray(1, 4).toString()).toBe('PNG');
  });
});
