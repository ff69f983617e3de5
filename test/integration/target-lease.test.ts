/**
 * The target lease follows a run's real activity (I12): a parked run holds none, so another run can go on meanwhile;
 * the run's last phase gives the lease back in its own transaction; a run that meets a busy target halts, resumable,
 * naming the run that holds it, and resumes once the target is free.
 */
import { describe, expect, it } from 'vitest';
import { pinChangeSet } from '../../src/domain/change-set.js';
import { Mode } from '../../src/domain/mode.js';
import { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import { snapshotBackupRunner } from '../../src/postgres/backups/snapshot-runner.js';
import { PostgresLiveExecutionAdapter } from '../../src/postgres/postgres-adapter.js';
import type { PostgresRunStore } from '../../src/postgres/run-store.js';
import { createDurableRun } from '../../src/runs/durable-run.js';
import { approvalFor, policy, samplePlan } from '../support/fixtures.js';
import { onDurableTarget } from '../support/durable-target.js';
import { verified } from '../support/executors.js';
import { countRows, TARGET_KINDS, type Target } from '../support/targets.js';

describe.each(TARGET_KINDS)('the target lease on %s', (kind) => {
  let target: Target;
  let store: PostgresRunStore;
  const killSwitch = new InMemoryKillSwitch(true);
  const adapter = () => new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: target.provider, backupRunner: snapshotBackupRunner });
  onDurableTarget(kind, killSwitch, (opened, runs) => { target = opened; store = runs; });

  const liveRun = (prefix: string) => createDurableRun({ store, mode: 'LIVE', plan: samplePlan(2, prefix), initiator: 'carol', approvals: policy, executor: adapter(), killSwitch });

  it('a run parked at SG_2 holds no lease: another run is cut and completes meanwhile', async () => {
    const first = await liveRun('lease/first');
    first.start();
    first.approve(approvalFor(await first.settled(), 'SG_1'));
    const firstAtEnact = await first.settled();
    expect(firstAtEnact.gate).toBe('SG_2');
    await first.release();
    expect(await countRows(target, 'target_lock')).toBe(0);

    const second = await liveRun('lease/second');
    second.start();
    second.approve(approvalFor(await second.settled(), 'SG_1'));
    const secondAtEnact = await second.settled();
    expect(secondAtEnact).toMatchObject({ gate: 'SG_2', context: { committed: ['cut', 'ledger'] } });
    second.approve(approvalFor(secondAtEnact, 'SG_2', 'bob'));
    expect((await second.settled()).output?.status).toBe('completed');
    await second.release();
    expect(await countRows(target, 'iu_versions', "status = 'enacted'")).toBe(2);
  }, 60_000);

  it('the last phase gives the lease back in its own transaction', async () => {
    const plan = samplePlan(2, 'lease/last');
    const ctx = { runId: 'run-last', mode: Mode.Live, changeSet: pinChangeSet(plan, 'run-last') };
    const a = adapter();
    await a.cutLegA(ctx, plan.rows);
    expect(await countRows(target, 'target_lock', 'run_id = $1', ['run-last'])).toBe(1);
    await verified(a, ctx, plan.rows); // the database enacts only a verified change set
    await a.lifecycleEnact(ctx, { addresses: plan.rows.map((r) => r.address), reviewDecisionId: 'RD-LAST' });
    expect(await countRows(target, 'target_lock')).toBe(0);
  }, 60_000);

  it('a busy target halts the run before its backup, naming the run that holds it; resumed once free, it completes', async () => {
    await target.admin((s) => s.query("INSERT INTO cutter.target_lock (run_id, holder, expires_at) VALUES ('the-other-run', 'elsewhere:1', now() + interval '1 hour')"));
    const run = await liveRun('lease/busy');
    run.start();
    run.approve(approvalFor(await run.settled(), 'SG_1'));
    const halted = await run.settled();
    expect(halted).toMatchObject({ state: 'halted', context: { haltedBefore: 'backingUp', committed: [], error: { code: 'E_TARGET_BUSY', message: expect.stringContaining('held by run the-other-run') } } });
    expect(await countRows(target, 'backups')).toBe(0);

    await target.admin((s) => s.query('DELETE FROM cutter.target_lock'));
    run.resume('dave');
    const atEnact = await run.settled();
    expect(atEnact.gate).toBe('SG_2');
    run.approve(approvalFor(atEnact, 'SG_2', 'bob'));
    expect((await run.settled()).output?.status).toBe('completed');
    await run.release();
    expect(await countRows(target, 'target_lock')).toBe(0);
  }, 60_000);
});
