/**
 * A knowledge base over months, on PGlite and PostgreSQL: planning finds the exact change set against the target
 * (new, changed, unchanged left out, retirements only when asked and within a scope), refuses another change set's
 * open drafts before anyone approves, and the cut refuses a plan whose actions no longer hold; enactment supersedes and
 * retires in one transaction; compensation brings back what a change set retired; and a completed change set is
 * reverted by a governed run that restores exactly what was enacted before, recorded in the ledger as its revert.
 */
import { describe, expect, it } from 'vitest';
import { planHashOf } from '../../src/domain/change-set.js';
import { validateCutplan, type Cutplan } from '../../src/domain/cutplan.js';
import { verifyLedgerChain } from '../../src/domain/ledger-chain.js';
import { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import { snapshotBackupRunner } from '../../src/postgres/backups/snapshot-runner.js';
import { classifyPlan } from '../../src/postgres/classify.js';
import { planRevert } from '../../src/postgres/plan-revert.js';
import { PostgresLiveExecutionAdapter } from '../../src/postgres/postgres-adapter.js';
import type { PostgresRunStore } from '../../src/postgres/run-store.js';
import { readLedger } from '../../src/postgres/sql/ledger.js';
import { createDurableRun } from '../../src/runs/durable-run.js';
import { approvalFor, policy } from '../support/fixtures.js';
import { onDurableTarget } from '../support/durable-target.js';
import { driveToEnd } from '../support/run-fixtures/drive-to-end.js';
import { TARGET_KINDS, type Target } from '../support/targets.js';

const doc = (sections: Record<string, string>): Cutplan =>
  validateCutplan(Object.entries(sections).map(([slug, body]) => ({ address: `kb/${slug}`, title: slug, body })));

describe.each(TARGET_KINDS)('change over time on %s', (kind) => {
  let target: Target;
  let store: PostgresRunStore;
  const killSwitch = new InMemoryKillSwitch(true);
  onDurableTarget(kind, killSwitch, (opened, runs) => { target = opened; store = runs; });

  const adapter = () => new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: target.provider, backupRunner: snapshotBackupRunner });
  /** Plans the sources against the target and carries the change set through a completed LIVE run. */
  async function apply(plan: Cutplan): Promise<string> {
    const run = await createDurableRun({ store, mode: 'LIVE', plan, initiator: 'carol', approvals: policy, executor: adapter(), killSwitch });
    run.start();
    const { view } = await driveToEnd(run);
    await run.release();
    expect(view.output?.status, JSON.stringify(view.context.error)).toBe('completed');
    return view.context.changeSet?.changeSetId ?? '';
  }
  const enacted = () => target.admin(async (s) => (await s.query<{ address: string; version: number; content_hash: string }>(
    "SELECT address, version, content_hash FROM cutter.iu_versions WHERE status = 'enacted' ORDER BY address",
  )).rows);
  const statuses = () => target.admin(async (s) => (await s.query<{ line: string }>(
    "SELECT address || ' v' || version || ' ' || status AS line FROM cutter.iu_versions ORDER BY address, version",
  )).rows.map((r) => r.line));

  it('edit one, add one, remove one (asked for): the plan is exactly +1 ~1 -1, and the run does exactly that', async () => {
    const first = await classifyPlan(target.provider, doc({ a: 'A1', b: 'B1', c: 'C1' }));
    expect(first.counts).toEqual({ new: 3, changed: 0, retire: 0, unchanged: 0 });
    if (first.plan === null) throw new Error('nothing planned');
    await apply(first.plan);

    const sources = doc({ a: 'A2', b: 'B1', d: 'D1' });
    const unasked = await classifyPlan(target.provider, sources);
    expect(unasked.counts).toEqual({ new: 1, changed: 1, retire: 0, unchanged: 1 });
    const second = await classifyPlan(target.provider, sources, { retireMissingWithin: ['kb'] });
    expect(second.counts).toEqual({ new: 1, changed: 1, retire: 1, unchanged: 1 });
    expect(second.addresses.map((a) => `${a.action} ${a.address} v${a.version}`)).toEqual(['changed kb/a v2', 'unchanged kb/b v1', 'new kb/d v1', 'retire kb/c v1']);
    // Outside the scope nothing is retired.
    expect((await classifyPlan(target.provider, sources, { retireMissingWithin: ['other'] })).counts.retire).toBe(0);
    if (second.plan === null) throw new Error('nothing planned');
    const changeSet = await apply(second.plan);
    expect(await statuses()).toEqual(['kb/a v1 superseded', 'kb/a v2 enacted', 'kb/b v1 enacted', 'kb/c v1 retired', 'kb/d v1 enacted']);
    const retiredBy = await target.admin(async (s) => (await s.query<{ retired_by: string }>("SELECT retired_by FROM cutter.iu_versions WHERE address = 'kb/c'")).rows[0]?.retired_by);
    expect(retiredBy).toBe(changeSet);
    expect((await classifyPlan(target.provider, sources, { retireMissingWithin: ['kb'] })).plan).toBeNull();
  }, 60_000);

  it('the plan hash covers the actions: the same rows planned against another target state hash differently', () => {
    const rows = [{ address: 'kb/a', title: 'a', body: 'A' }];
    const asNew = validateCutplan(rows.map((r) => ({ ...r, action: 'new' })));
    const asChanged = validateCutplan(rows.map((r) => ({ ...r, action: 'changed' })));
    expect(planHashOf(asNew)).not.toBe(planHashOf(asChanged));
    expect(planHashOf(validateCutplan(rows))).not.toBe(planHashOf(asNew));
  });

  it("another change set's open draft is refused at planning, named with its change set", async () => {
    const run = await createDurableRun({ store, mode: 'LIVE', plan: doc({ x: 'X1' }), initiator: 'carol', approvals: policy, executor: adapter(), killSwitch });
    run.start();
    run.approve(approvalFor(await run.settled(), 'SG_1'));
    const atEnact = await run.settled();
    expect(atEnact.gate).toBe('SG_2');
    await expect(classifyPlan(target.provider, doc({ x: 'X2' }))).rejects.toMatchObject({
      code: 'E_PLAN_CONFLICT', message: expect.stringContaining(`kb/x (draft of ${atEnact.context.changeSet?.changeSetId ?? '?'})`),
    });
    await run.release();
  }, 60_000);

  it('a plan whose actions no longer hold when it is cut is refused, naming the rows, and nothing is written', async () => {
    const planned = await classifyPlan(target.provider, doc({ y: 'Y1' }));
    if (planned.plan === null) throw new Error('nothing planned');
    await apply((await classifyPlan(target.provider, doc({ y: 'Y0' }))).plan ?? doc({}));
    const run = await createDurableRun({ store, mode: 'LIVE', plan: planned.plan, initiator: 'carol', approvals: policy, executor: adapter(), killSwitch });
    run.start();
    run.approve(approvalFor(await run.settled(), 'SG_1'));
    const failed = await run.settled();
    expect(failed).toMatchObject({ state: 'failed', context: { error: { code: 'E_PLAN_STALE', message: expect.stringContaining('kb/y') } } });
    expect(await statuses()).toEqual(['kb/y v1 enacted']);
    await run.release();
  }, 60_000);

  it('a completed change set is reverted by a governed run: the enacted content is exactly what it was before, and the ledger links the revert', async () => {
    await apply((await classifyPlan(target.provider, doc({ a: 'A1', b: 'B1', c: 'C1' }))).plan ?? doc({}));
    const before = await enacted();
    const change = await classifyPlan(target.provider, doc({ a: 'A2', b: 'B1', d: 'D1' }), { retireMissingWithin: ['kb'] });
    const changeSet = await apply(change.plan ?? doc({}));

    const preview = await planRevert(target.provider, changeSet);
    expect(preview.counts).toEqual({ new: 1, changed: 1, retire: 1, unchanged: 0 });
    expect(preview.addresses.map((a) => `${a.action} ${a.address}`)).toEqual(['changed kb/a', 'new kb/c', 'retire kb/d']);
    const planned = preview.plan;
    if (planned === null) throw new Error('nothing to revert');
    const revertSet = await apply(planned);
    // --dry-run showed exactly the change set the run pinned.
    const pinned = await target.admin(async (s) => (await s.query<{ plan_hash: string }>('SELECT p.plan_hash FROM cutter.pinned_plans p JOIN cutter.change_sets c ON c.run_id = p.run_id WHERE c.change_set_id = $1', [revertSet])).rows[0]?.plan_hash);
    expect(pinned).toBe(planHashOf(planned));

    expect((await enacted()).map((r) => [r.address, r.content_hash])).toEqual(before.map((r) => [r.address, r.content_hash]));
    const ledger = await target.admin((s) => readLedger(s));
    expect(verifyLedgerChain(ledger).ok).toBe(true);
    expect(ledger.at(-1)).toMatchObject({ kind: 'revert', changeSetId: revertSet, payload: expect.objectContaining({ reverts: changeSet }) });
  }, 60_000);

  it('a revert a later change set overtook is refused naming the addresses, unless asked for out of order', async () => {
    const first = await apply((await classifyPlan(target.provider, doc({ p: 'P1', q: 'Q1' }))).plan ?? doc({}));
    await apply((await classifyPlan(target.provider, doc({ p: 'P2', q: 'Q1' }))).plan ?? doc({}));
    await expect(planRevert(target.provider, first)).rejects.toMatchObject({ code: 'E_REVERT_OUT_OF_ORDER', addresses: ['kb/p'] });
    const forced = await planRevert(target.provider, first, { outOfOrder: true });
    expect(forced.touchedLater).toEqual(['kb/p']);
    expect(forced.addresses.map((a) => `${a.action} ${a.address} v${a.version}`)).toEqual(['retire kb/p v2', 'retire kb/q v1']);
  }, 60_000);

  it('compensating a change set that retired an address brings the retired version back', async () => {
    await apply((await classifyPlan(target.provider, doc({ r: 'R1', s: 'S1' }))).plan ?? doc({}));
    const change = await classifyPlan(target.provider, doc({ r: 'R1' }), { retireMissingWithin: ['kb'] });
    const run = await createDurableRun({ store, mode: 'LIVE', plan: change.plan ?? doc({}), initiator: 'carol', approvals: policy, executor: adapter(), killSwitch });
    run.start();
    run.approve(approvalFor(await run.settled(), 'SG_1'));
    run.approve(approvalFor(await run.settled(), 'SG_2', 'bob'));
    expect((await run.settled()).output?.status).toBe('completed');
    expect(await statuses()).toEqual(['kb/r v1 enacted', 'kb/s v1 retired']);
    await run.release();
    // The change set's compensation (the function SG_3's phase calls): the retirement is undone.
    await target.admin((s) => s.query('SELECT * FROM cutter.fn_revert_change_set($1)', [run.view().context.changeSet?.changeSetId ?? '']));
    expect(await statuses()).toEqual(['kb/r v1 enacted', 'kb/s v1 enacted']);
  }, 60_000);
});
