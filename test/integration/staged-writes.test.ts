/**
 * The COPY-staged cut and enactment, on PGlite and (with CUTTER_TEST_DATABASE_URL) PostgreSQL: a bad row anywhere
 * rolls the whole phase back and every bad row is named; progress is reported per staged chunk and at the end; a
 * committed enactment replays from its compact record; COPY's escaping keeps every byte.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pinChangeSet } from '../../src/domain/change-set.js';
import { validateCutplan, type Cutplan } from '../../src/domain/cutplan.js';
import { Mode } from '../../src/domain/mode.js';
import { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import { snapshotBackupRunner } from '../../src/postgres/backups/snapshot-runner.js';
import { PostgresLiveExecutionAdapter, type PhaseProgress } from '../../src/postgres/postgres-adapter.js';
import { samplePlan } from '../support/fixtures.js';
import { verified } from '../support/executors.js';
import { countRows, openTarget, TARGET_KINDS, type Target } from '../support/targets.js';

describe.each(TARGET_KINDS)('COPY-staged writes on %s', (kind) => {
  let target: Target;
  const killSwitch = new InMemoryKillSwitch(true);
  const progress: PhaseProgress[] = [];
  const adapter = (chunkSize = 2) => new PostgresLiveExecutionAdapter({
    killSwitch, connectionProvider: target.provider, backupRunner: snapshotBackupRunner, chunkSize, onProgress: (p) => progress.push(p),
  });
  const ctxFor = (plan: Cutplan, runId: string) => ({ runId, mode: Mode.Live, changeSet: pinChangeSet(plan, runId) });

  beforeAll(async () => { target = await openTarget(kind); }, 60_000);
  afterAll(async () => { await target.close(); });
  beforeEach(async () => { await target.reset(); progress.length = 0; });

  it('rows 2 and 5 of 6 conflict: nothing of the cut remains, and the error names both rows', async () => {
    const plan = samplePlan(6, 'handbook/staged');
    const blockers = validateCutplan([plan.rows[1], plan.rows[4]].map((r) => ({ address: r?.address, title: 'Other', body: 'An open draft' })));
    const other = adapter();
    await other.cutLegA(ctxFor(blockers, 'run-other'), blockers.rows);
    await other.releaseTarget({ runId: 'run-other' });
    const before = await countRows(target, 'iu_versions');
    const ctx = ctxFor(plan, 'run-staged');
    const failure = adapter().cutLegA(ctx, plan.rows);
    await expect(failure).rejects.toMatchObject({ code: 'E_STOP_INVARIANT', address: plan.rows[1]?.address, status: 'conflict' });
    await expect(failure).rejects.toThrow(`${plan.rows[4]?.address ?? '?'} (conflict)`);
    expect(await countRows(target, 'iu_versions')).toBe(before);
    expect(await countRows(target, 'change_sets', 'change_set_id = $1', [ctx.changeSet.changeSetId])).toBe(0);
    expect(await countRows(target, 'phase_records', 'run_id = $1', ['run-staged'])).toBe(0);
  });

  it('reports progress per staged chunk and at the end, for the cut and the enactment', async () => {
    const plan = samplePlan(5, 'handbook/progress');
    const ctx = ctxFor(plan, 'run-progress');
    const a = adapter(2);
    await a.cutLegA(ctx, plan.rows);
    await verified(a, ctx, plan.rows); // the database enacts only a verified change set
    await a.lifecycleEnact(ctx, { addresses: plan.rows.map((r) => r.address), reviewDecisionId: 'RD-P' });
    const of = (phase: string) => progress.filter((p) => p.phase === phase).map((p) => `${p.done}/${p.total}${p.finished ? ' finished' : ''}`);
    // A start report first (the printer's rate runs from it), then one per chunk the database wrote, then the finish.
    expect(of('cutLegA')).toEqual(['0/5', '2/5', '4/5', '5/5', '5/5 finished']);
    expect(of('lifecycleEnact')).toEqual(['0/5', '2/5', '4/5', '5/5', '5/5 finished']);
  });

  it('a committed enactment replays from its record with every IU, and writes nothing again', async () => {
    const plan = samplePlan(3, 'handbook/replay');
    const ctx = ctxFor(plan, 'run-replay');
    const a = adapter();
    await a.cutLegA(ctx, plan.rows);
    const request = { addresses: plan.rows.map((r) => r.address), reviewDecisionId: 'RD-R' };
    await verified(a, ctx, plan.rows); // the database enacts only a verified change set
    const first = await a.lifecycleEnact(ctx, request);
    const logged = await countRows(target, 'lifecycle_log');
    const again = await a.lifecycleEnact(ctx, request);
    expect(again).toEqual(first);
    expect(await countRows(target, 'lifecycle_log')).toBe(logged);
  });

  it('counts only its own lifecycle rows where old rows carry the transaction ids to come, as after a restore into a new database', async () => {
    const plan = samplePlan(3, 'handbook/restored');
    const ctx = ctxFor(plan, 'run-restored');
    const a = adapter();
    await a.cutLegA(ctx, plan.rows);
    // Transaction ids start again in a database restored from a dump: history may hold rows with the ids to come.
    await target.admin((s) => s.query(`INSERT INTO cutter.lifecycle_log (iu_id, address, version, to_status, change_set_id, tx_id)
      SELECT 0, 'history/old', 1, 'enacted', 'cs-old', x FROM generate_series(txid_current() + 1, txid_current() + 200) AS x`));
    await verified(a, ctx, plan.rows); // the database enacts only a verified change set
    const enacted = await a.lifecycleEnact(ctx, { addresses: plan.rows.map((r) => r.address), reviewDecisionId: 'RD-RESTORED' });
    expect(enacted).toMatchObject({ lifecycleLogRows: 3, supersededCount: 0 });
  });

  it('tabs, newlines, carriage returns and backslashes survive COPY byte for byte', async () => {
    const body = 'a\tb\nc\r\nd \\ e \\N f \\\\t 🚀\u2028end';
    const plan = validateCutplan([{ address: 'handbook/escapes', title: 'Tab\there \\ too', body }]);
    await adapter().cutLegA(ctxFor(plan, 'run-escapes'), plan.rows);
    const stored = await target.admin((s) => s.query<{ title: string; body: string; content_hash: string }>('SELECT title, body, content_hash FROM cutter.iu_versions'));
    expect(stored.rows).toEqual([{ title: 'Tab\there \\ too', body, content_hash: plan.rows[0]?.contentHash }]);
  });
});
