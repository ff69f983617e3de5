/**
 * Fault injection on a real PostgreSQL: a backend terminated mid-transaction, a statement timeout, a serialization
 * failure, the server unreachable at connect, and every connection dropped between two phases (as a restart does).
 * Each leaves nothing partial, and the run ends in a state that says what happened; where resuming is right, it works.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import { snapshotBackupRunner } from '../../src/postgres/backups/snapshot-runner.js';
import type { ConnectionProvider, DbSession, QueryResult } from '../../src/postgres/port.js';
import { PostgresLiveExecutionAdapter } from '../../src/postgres/postgres-adapter.js';
import { createPgConnections } from '../../src/postgres/providers/pg-provider.js';
import { createRun } from '../../src/runner/create-run.js';
import { approvalFor, policy, samplePlan } from '../support/fixtures.js';
import { countRows, openTarget, TARGET_KINDS, type Target } from '../support/targets.js';

/** A provider whose sessions run `before(text, session)` ahead of every statement. */
function intercepting(base: ConnectionProvider, before: (text: string, session: DbSession) => Promise<void>): ConnectionProvider {
  return async (role) => {
    const session = await base(role);
    const query = async <R,>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> => {
      await before(text, session);
      return session.query<R>(text, params);
    };
    return { ...session, query };
  };
}

// Needs a PostgreSQL server (CUTTER_TEST_DATABASE_URL); skipped only without one. CI sets CUTTER_REQUIRE_POSTGRES=1,
// and then test/support/targets.ts fails the suite if the URL is missing, so this tier never skips there.
describe.runIf(TARGET_KINDS.includes('postgres'))('faults on postgres', () => {
  let target: Target;
  const killSwitch = new InMemoryKillSwitch(true);
  beforeAll(async () => { target = await openTarget('postgres'); }, 60_000);
  afterAll(async () => { await target.close(); });
  beforeEach(async () => { await target.reset(); killSwitch.turnOn(); });

  const terminateFromOutside = async (pid: number) => target.admin((s) => s.query('SELECT pg_terminate_backend($1)', [pid]));
  const runTo = async (provider: ConnectionProvider, options: { attempts?: number } = {}) => {
    const adapter = new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: provider, backupRunner: snapshotBackupRunner, ...options });
    const run = createRun({ mode: 'LIVE', plan: samplePlan(3), initiator: 'carol', approvals: policy, executor: adapter, killSwitch });
    run.start();
    const atCut = await run.settled();
    if (atCut.gate === 'SG_1') run.approve(approvalFor(atCut, 'SG_1'));
    return { run, view: await run.settled() };
  };

  it('a backend terminated mid-transaction: the phase rolls back, is retried on a new connection, and commits once', async () => {
    let terminated = 0;
    const provider = intercepting(target.provider, async (text, session) => {
      if (text.includes('INSERT INTO cutter.change_sets') && terminated === 0) {
        terminated++;
        const { rows } = await session.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await terminateFromOutside(rows[0]?.pid ?? 0);
      }
    });
    const { view } = await runTo(provider);
    expect(terminated).toBe(1);
    expect(view.gate).toBe('SG_2');
    expect(await countRows(target, 'iu_versions')).toBe(3);
    expect(await countRows(target, 'phase_records', "phase = 'cutLegA'")).toBe(1);
  });

  it('a backend terminated on every attempt after the cut committed: the run halts (resumable), then resumes', async () => {
    let failLedger = true;
    const provider = intercepting(target.provider, async (text, session) => {
      if (failLedger && text.includes('INSERT INTO cutter.ledger')) {
        const { rows } = await session.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await terminateFromOutside(rows[0]?.pid ?? 0);
      }
    });
    const { run, view } = await runTo(provider, { attempts: 2 });
    expect(view).toMatchObject({ state: 'halted', context: { committed: ['cut'], haltedBefore: 'recordingLedger', error: { code: 'E_TARGET_UNAVAILABLE' } } });
    expect(await countRows(target, 'ledger')).toBe(0);
    failLedger = false;
    run.resume('ops');
    expect((await run.settled()).gate).toBe('SG_2');
    expect(await countRows(target, 'ledger')).toBe(1);
    expect(await countRows(target, 'iu_versions')).toBe(3);
  });

  it('a statement timeout fails the phase with nothing kept, and the run says so', async () => {
    const provider = intercepting(target.provider, async (text, session) => {
      if (text.includes('INSERT INTO cutter.change_sets')) {
        await session.query("SET LOCAL statement_timeout = '20ms'");
        await session.query('SELECT pg_sleep(1)');
      }
    });
    const { view } = await runTo(provider);
    expect(view.output).toMatchObject({ status: 'failed', committed: [], error: { code: '57014' } });
    expect(await countRows(target, 'iu_versions')).toBe(0);
    expect(await countRows(target, 'change_sets')).toBe(0);
  });

  it('a serialization failure is retried, and the phase commits once', async () => {
    let failures = 0;
    const provider = intercepting(target.provider, (text) => {
      if (text.includes('cutter.fn_record_exec_phase(') && failures === 0) {
        failures++;
        return Promise.reject(Object.assign(new Error('could not serialize access due to concurrent update'), { code: '40001' }));
      }
      return Promise.resolve();
    });
    const { view } = await runTo(provider);
    expect(failures).toBe(1);
    expect(view.gate).toBe('SG_2');
    expect(await countRows(target, 'phase_records')).toBe(4); // backup, cut, ledger, verify: each once
  });

  it('the server unreachable at connect: the run is refused at precheck, and nothing is written', async () => {
    const url = new URL(target.dsn ?? '');
    url.port = '1';
    const unreachable = createPgConnections({ dsn: url.toString(), setRole: true });
    try {
      const adapter = new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: unreachable.provider, backupRunner: snapshotBackupRunner, attempts: 2 });
      const run = createRun({ mode: 'LIVE', plan: samplePlan(2), initiator: 'carol', approvals: policy, executor: adapter, killSwitch });
      run.start();
      expect((await run.settled()).output).toMatchObject({ status: 'refused', error: { code: 'E_TARGET_UNAVAILABLE' } });
    } finally {
      await unreachable.end();
    }
    expect(await countRows(target, 'runs')).toBe(0);
  });

  it('every connection dropped between two phases (as a restart does): the next phase reconnects and the run completes', async () => {
    const adapter = new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: target.provider, backupRunner: snapshotBackupRunner });
    const run = createRun({ mode: 'LIVE', plan: samplePlan(3), initiator: 'carol', approvals: policy, executor: adapter, killSwitch });
    run.start();
    run.approve(approvalFor(await run.settled(), 'SG_1'));
    const atEnact = await run.settled();
    const { rows } = await target.admin((s) => s.query<{ n: string }>(
      'SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    ));
    expect(Number(rows[0]?.n)).toBeGreaterThan(0);
    run.approve(approvalFor(atEnact, 'SG_2', 'bob'));
    expect((await run.settled()).output?.status).toBe('completed');
    expect(await countRows(target, 'iu_versions', "status = 'enacted'")).toBe(3);
    expect(await countRows(target, 'lifecycle_log')).toBe(6);
  });
});

