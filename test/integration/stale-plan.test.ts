/**
 * Stale plans: the plan's addresses are fingerprinted when the change set is pinned; if anyone changes them while
 * the run waits at SG_1, the cut refuses and names the addresses that changed, and nothing is written.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pinChangeSet } from '../../src/domain/change-set.js';
import { validateCutplan } from '../../src/domain/cutplan.js';
import { Mode } from '../../src/domain/mode.js';
import { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import { snapshotBackupRunner } from '../../src/postgres/backups/snapshot-runner.js';
import { PostgresLiveExecutionAdapter } from '../../src/postgres/postgres-adapter.js';
import { createRun } from '../../src/runner/create-run.js';
import { approvalFor, policy, samplePlan } from '../support/fixtures.js';
import { countRows, openTarget, TARGET_KINDS, type Target } from '../support/targets.js';

describe.each(TARGET_KINDS)('stale plans on %s', (kind) => {
  let target: Target;
  const killSwitch = new InMemoryKillSwitch(true);
  const adapter = () => new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: target.provider, backupRunner: snapshotBackupRunner });

  beforeAll(async () => { target = await openTarget(kind); }, 60_000);
  afterAll(async () => { await target.close(); });
  beforeEach(() => target.reset());

  const startAtCut = async (plan = samplePlan(3)) => {
    const run = createRun({ mode: 'LIVE', plan, initiator: 'carol', approvals: policy, executor: adapter(), killSwitch });
    run.start();
    return { run, view: await run.settled() };
  };

  it('pins a fingerprint of the target, and an unchanged target is cut as planned', async () => {
    const { run, view } = await startAtCut();
    expect(view.context.changeSet?.targetFingerprint).toMatch(/^[0-9a-f]{64}$/);
    run.approve(approvalFor(view, 'SG_1'));
    expect((await run.settled()).gate).toBe('SG_2');
  });

  it('a change to one of the plan\'s addresses while the run waits refuses the cut, naming that address', async () => {
    const plan = samplePlan(3);
    const { run, view } = await startAtCut(plan);
    // Meanwhile another change set writes a draft at the second address.
    const other = validateCutplan([{ address: plan.rows[1]?.address, title: 'Other', body: 'Written meanwhile' }]);
    const a = adapter();
    await a.cutLegA({ runId: 'run-other', mode: Mode.Live, changeSet: pinChangeSet(other, 'run-other') }, other.rows);
    await a.releaseTarget({ runId: 'run-other' });
    const before = await countRows(target, 'iu_versions');

    run.approve(approvalFor(view, 'SG_1'));
    const end = await run.settled();
    expect(end.output).toMatchObject({ status: 'failed', committed: [], error: { code: 'E_PLAN_STALE', message: expect.stringContaining(plan.rows[1]?.address ?? '?') } });
    expect(end.output?.error?.message).not.toContain(plan.rows[0]?.address ?? '?');
    expect(await countRows(target, 'iu_versions')).toBe(before);
    expect(await countRows(target, 'change_sets', 'run_id = $1', [run.id])).toBe(0);
  });
});
