/**
 * The database restarted between two phases, for real: a PostgreSQL server of this test's own (the machine's shared
 * server is never restarted) is stopped and started while a LIVE run waits at SG_2. The next phase reconnects and the
 * run completes, each IU written once; a server still down when the phase starts halts the run (resumable), and
 * `resume` finishes it once the server is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedgerChain } from '../../src/domain/ledger-chain.js';
import { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import { snapshotBackupRunner } from '../../src/postgres/backups/snapshot-runner.js';
import { applyMigrations } from '../../src/postgres/migrations/index.js';
import { openTarget, type OpenTarget } from '../../src/postgres/open-target.js';
import { PostgresLiveExecutionAdapter } from '../../src/postgres/postgres-adapter.js';
import { setDatabaseKillSwitch } from '../../src/postgres/sql/kill-switch.js';
import { readLedger } from '../../src/postgres/sql/ledger.js';
import { createRun } from '../../src/runner/create-run.js';
import { approvalFor, policy, samplePlan } from '../support/fixtures.js';
import { canRunPrivateCluster, startPrivateCluster, type PrivateCluster } from '../support/private-cluster.js';
import { TARGET_KINDS } from '../support/targets.js';

// The PostgreSQL tier (required in CI) and the server binaries it comes with; as root, the `postgres` user too.
const runnable = TARGET_KINDS.includes('postgres') && (await canRunPrivateCluster());
// Where the PostgreSQL tier is required (CI), missing binaries or a missing `postgres` user fail this file instead of
// skipping it: the private cluster comes with the server package .ci/run needs anyway.
if (process.env.CUTTER_REQUIRE_POSTGRES === '1' && !runnable) {
  throw new Error('CUTTER_REQUIRE_POSTGRES=1, but no private PostgreSQL cluster can be started here (initdb/pg_ctl of the installed server, and as root the postgres user): install the server package');
}

// Needs a PostgreSQL server (CUTTER_TEST_DATABASE_URL) and its binaries to start a private cluster; skipped only
// without them. With CUTTER_REQUIRE_POSTGRES=1 (CI) test/support/targets.ts fails the suite if the URL is missing,
// and the check above fails this file if the binaries are, so this test never skips there.
describe.runIf(runnable)('the database restarted between two phases', () => {
  let cluster: PrivateCluster;
  let target: OpenTarget;
  const killSwitch = new InMemoryKillSwitch(true);

  beforeAll(async () => {
    cluster = await startPrivateCluster();
    target = await openTarget({ kind: 'postgres', dsn: cluster.dsn });
    await target.admin((s) => applyMigrations(s));
    await target.admin((s) => setDatabaseKillSwitch(s, true, 'test', 'restart test'));
  }, 120_000);
  afterAll(async () => {
    await target.close();
    await cluster.stop();
  });

  const count = async (sql: string, params: unknown[] = []) => Number((await target.admin((s) => s.query<{ n: string }>(sql, params))).rows[0]?.n);

  /** A LIVE run carried to SG_2: the cut, the ledger and the verification have committed. */
  async function runToEnactGate(prefix: string) {
    const adapter = new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: target.provider, backupRunner: snapshotBackupRunner });
    const run = createRun({ mode: 'LIVE', plan: samplePlan(3, prefix), initiator: 'carol', approvals: policy, executor: adapter, killSwitch });
    run.start();
    run.approve(approvalFor(await run.settled(), 'SG_1'));
    const atEnact = await run.settled();
    expect({ state: atEnact.state, error: atEnact.context.error }).toMatchObject({ state: 'awaitingEnactApproval', error: null });
    return { run, atEnact };
  }

  it('restarted while the run waits at SG_2: enactment reconnects and completes, each IU written once', async () => {
    const { run, atEnact } = await runToEnactGate('handbook/restart');
    await cluster.restart();
    run.approve(approvalFor(atEnact, 'SG_2', 'bob', { reviewDecisionId: 'RD-1' }));
    const end = await run.settled();
    expect(end.state).toBe('completed');
    expect(await count("SELECT count(*) AS n FROM cutter.iu_versions WHERE address LIKE 'handbook/restart/%'")).toBe(3);
    expect(await count("SELECT count(*) AS n FROM cutter.iu_versions WHERE address LIKE 'handbook/restart/%' AND status = 'enacted'")).toBe(3);
    expect(verifyLedgerChain(await target.admin((s) => readLedger(s))).ok).toBe(true);
  }, 120_000);

  it('still down when the next phase starts: the run halts, resumable; once the server is back, resume completes it', async () => {
    const { run, atEnact } = await runToEnactGate('handbook/down');
    await cluster.shutDown();
    try {
      run.approve(approvalFor(atEnact, 'SG_2', 'bob', { reviewDecisionId: 'RD-2' }));
      const halted = await run.settled();
      expect(halted.state).toBe('halted');
      expect(halted.context.error).toMatchObject({ code: 'E_TARGET_UNAVAILABLE' });
    } finally {
      await cluster.start();
    }
    run.resume('ops');
    const end = await run.settled();
    expect(end.state).toBe('completed');
    expect(await count("SELECT count(*) AS n FROM cutter.iu_versions WHERE address LIKE 'handbook/down/%' AND status = 'enacted'")).toBe(3);
    expect(verifyLedgerChain(await target.admin((s) => readLedger(s))).ok).toBe(true);
  }, 120_000);
});
