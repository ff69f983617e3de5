/**
 * Upgrading with runs in flight, through the CLI as an operator meets it: every command a new process on an embedded
 * target loaded from a committed fixture (a target as the first release left it).
 * - A run parked at SG_2 by that release is shown as this build will carry it, approved, completes with exactly its
 *   rows enacted, and `cutter replay` of it matches its stored run.
 * - A run this build cannot carry is stranded: `upgrade-check` and `status` say why, and cancel and SG_3 end it.
 * - A run or a schema of a newer release is refused, naming both versions, and left as it was.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_SNAPSHOT_VERSION } from '../../machines/snapshot-version.js';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { verifyLedgerChain } from '../../src/domain/ledger-chain.js';
import type { DbSession } from '../../src/postgres/port.js';
import { openEmbeddedDatabase } from '../../src/postgres/providers/pglite-provider.js';
import { readLedger } from '../../src/postgres/sql/ledger.js';
import { readFixture, targetOutcome, type RunFixture } from '../support/run-fixtures/fixture-file.js';
import { loadFixture } from '../support/run-fixtures/load-fixture.js';
import { cliNodeArgs } from '../support/cli-node.js';

const exec = promisify(execFile);
const LIVE = { CUTTER_EXECUTION_ENABLED: 'on' };

describe('upgrading with runs in flight (CLI, embedded database)', () => {
  let dir = '';
  const cutter = async (db: string, args: string[], env: Record<string, string> = {}) => {
    try {
      const { stdout, stderr } = await exec(process.execPath, cliNodeArgs(...args, '--data-dir', join(dir, db)), { cwd: dir, env: { ...process.env, NO_COLOR: '1', ...env } });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  /** Works on the embedded database in this process, while no CLI process has it open. */
  const withDb = async <T>(db: string, work: (admin: <R>(w: (s: DbSession) => Promise<R>) => Promise<R>) => Promise<T>): Promise<T> => {
    const opened = await openEmbeddedDatabase(join(dir, db));
    try {
      return await work((w) => opened.admin(w));
    } finally {
      await opened.close();
    }
  };
  const load = (db: string, fixture: RunFixture) => withDb(db, async (admin) => { await loadFixture(admin, fixture); });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cutter-cli-upgrade-'));
    for (const name of ['alice', 'bob']) await exec(process.execPath, cliNodeArgs('keys', 'generate', name, '--out', dir), { cwd: dir });
    await writeFile(join(dir, 'cutter.config.json'), JSON.stringify({ approvers: { alice: 'alice.pub', bob: 'bob.pub' } }));
    await writeFile(join(dir, 'policy.md'), '# Policy\n\nThe policy.\n\n## Scope\n\nAll systems.\n');
  }, 60_000);
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('a run parked at SG_2 by the first release is approved by this one, completes with exactly its rows, and replays', async () => {
    const fixture = readFixture(1, 'live-at-sg2');
    await load('sg2', fixture);

    const before = await cutter('sg2', ['status', fixture.runId]);
    expect(before.code).toBe(ExitCode.Ok);
    expect(before.stdout).toContain('awaitingEnactApproval');
    expect(before.stdout).toContain(`stored by snapshot version 1; the next command that acts on it migrates it to ${RUN_SNAPSHOT_VERSION}`);
    const oldReplay = await cutter('sg2', ['replay', fixture.runId]);
    expect(oldReplay.code, oldReplay.stderr).toBe(ExitCode.Ok);
    expect(oldReplay.stdout).toContain(`snapshot version 1 → ${RUN_SNAPSHOT_VERSION} (the next command that acts on the run stores it)`);
    const check = await cutter('sg2', ['upgrade-check', '--json']);
    expect(check.code).toBe(ExitCode.Ok);
    expect(JSON.parse(check.stdout)).toMatchObject({ ok: true, runs: [{ runId: fixture.runId, storedVersion: 1, outcome: 'migrates' }] });

    const enact = await cutter('sg2', ['approve', fixture.runId, '--gate', 'enact', '--as', 'bob', '--key', 'bob.key', '--reason', 'reviewed after the upgrade', '--review-decision', 'RD-UPGRADE', '--json'], LIVE);
    expect(enact.code, enact.stderr).toBe(ExitCode.Ok);
    expect(JSON.parse(enact.stdout)).toMatchObject({ state: 'completed', status: 'completed' });

    const replay = await cutter('sg2', ['replay', fixture.runId]);
    expect(replay.code, replay.stderr).toBe(ExitCode.Ok);
    expect(replay.stdout).toMatch(new RegExp(`snapshot version 1 → ${RUN_SNAPSHOT_VERSION} at awaitingEnactApproval: the journal arrives where the migration took it`));
    expect(replay.stdout).toContain('ok: the journal replays to completed');
    const status = JSON.parse((await cutter('sg2', ['status', fixture.runId, '--journal', '--json'])).stdout) as { stored: { snapshotVersion: number }; journal: { event: Record<string, unknown> }[] };
    expect(status.stored.snapshotVersion).toBe(RUN_SNAPSHOT_VERSION);
    expect(status.journal.filter((e) => e.event.type === 'cutter.migrated').map((e) => e.event)).toEqual([
      expect.objectContaining({ from: 1, to: RUN_SNAPSHOT_VERSION, outcome: 'migrated', by: expect.objectContaining({ pid: expect.any(Number) as number }) }),
    ]);

    const outcome = await withDb('sg2', (admin) => admin((s) => targetOutcome(s, async (session) => verifyLedgerChain(await readLedger(session)).ok)));
    expect(outcome.ius).toEqual(fixture.end.target.ius);
    expect(outcome.ledger).toEqual(fixture.end.target.ledger);
    expect(outcome.ledgerChainOk).toBe(true);
  }, 120_000);

  it('a run this build cannot carry is stranded: upgrade-check and status say why, and cancel then SG_3 end it', async () => {
    const fixture = readFixture(1, 'live-at-sg2');
    await load('gone', fixture);
    // As if the first release had parked it in a state this build no longer has.
    await withDb('gone', (admin) => admin((s) => s.query(`UPDATE cutter.runs SET snapshot = jsonb_set(snapshot, '{value}', '"awaitingEnactReview"') WHERE run_id = $1`, [fixture.runId])));

    const check = await cutter('gone', ['upgrade-check']);
    expect(check.code).toBe(ExitCode.Refused);
    expect(check.stdout).toMatch(/stranded .*its state awaitingEnactReview does not exist in this machine/);
    const status = await cutter('gone', ['status', fixture.runId]);
    expect(status.stdout).toMatch(/state\s+stranded/);
    expect(status.stdout).toContain(`E_RUN_STRANDED: this run was stored by snapshot version 1 and cannot continue under version ${RUN_SNAPSHOT_VERSION}`);
    expect(status.stdout).toContain(`cutter cancel ${fixture.runId}`);

    const resume = await cutter('gone', ['resume', fixture.runId]);
    expect(resume.code).toBe(ExitCode.Refused);
    const cancel = await cutter('gone', ['cancel', fixture.runId, '--as', 'dave', '--reason', 'cannot continue after the upgrade', '--json']);
    expect(cancel.code).toBe(ExitCode.Torn);
    expect(JSON.parse(cancel.stdout)).toMatchObject({ state: 'torn.awaitingCompensationApproval', gate: 'SG_3' });
    const compensate = await cutter('gone', ['approve', fixture.runId, '--gate', 'compensate', '--as', 'bob', '--key', 'bob.key', '--reason', 'undo the stranded change set', '--json'], LIVE);
    expect(JSON.parse(compensate.stdout)).toMatchObject({ state: 'compensated' });
    expect((await cutter('gone', ['replay', fixture.runId])).code).toBe(ExitCode.Ok);
    expect((await cutter('gone', ['ledger', 'verify'])).code).toBe(ExitCode.Ok);
  }, 120_000);

  it('a run or a schema of a newer release is refused with both versions named, and nothing is written', async () => {
    const fixture = readFixture(1, 'live-at-sg1');
    await load('newer', fixture);
    const newer = RUN_SNAPSHOT_VERSION + 1;
    const rowOf = (admin: <R>(w: (s: DbSession) => Promise<R>) => Promise<R>) => admin(async (s) => (await s.query('SELECT snapshot_version, state, snapshot, updated_at, (SELECT count(*) FROM cutter.run_journal j WHERE j.run_id = r.run_id) AS entries FROM cutter.runs r WHERE run_id = $1', [fixture.runId])).rows[0]);
    const before = await withDb('newer', async (admin) => {
      await admin((s) => s.query('UPDATE cutter.runs SET snapshot_version = $2 WHERE run_id = $1', [fixture.runId, newer]));
      return rowOf(admin);
    });
    const approve = await cutter('newer', ['approve', fixture.runId, '--gate', 'cut', '--as', 'alice', '--key', 'alice.key', '--reason', 'r'], LIVE);
    expect(approve.code).toBe(ExitCode.Refused);
    expect(approve.stderr).toContain(`E_SNAPSHOT_VERSION: run ${fixture.runId} is stored with snapshot version ${newer}, written by a newer Cutter; this build reads versions up to ${RUN_SNAPSHOT_VERSION}`);
    expect(await withDb('newer', rowOf)).toEqual(before);

    await withDb('newer', (admin) => admin((s) => s.query("INSERT INTO cutter.schema_migrations (version, name) VALUES (99, 'from a newer cutter')")));
    for (const args of [['init'], ['list'], ['run', 'policy.md', '--mode', 'dryrun', '--initiator', 'carol']]) {
      const refused = await cutter('newer', args);
      expect(refused.code, args.join(' ')).toBe(ExitCode.Refused);
      expect(refused.stderr).toContain('E_SCHEMA_TOO_NEW');
      expect(refused.stdout).not.toContain('up to date');
    }
    expect(await withDb('newer', (admin) => admin(async (s) => (await s.query('SELECT count(*)::int AS n FROM cutter.runs')).rows[0]))).toEqual({ n: 2 });
  }, 120_000);
});
