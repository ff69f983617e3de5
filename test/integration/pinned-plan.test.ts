/**
 * Plans pinned in the target (migration 7), on PGlite and PostgreSQL: a LIVE run's planning stores its plan once, in
 * the target; the run store keeps no second copy and restores the run from the pin; the cut inserts exactly the
 * pinned rows, and refuses, writing nothing, if a pinned row was edited, added or re-hashed after approval.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { changeSetOf, pinChangeSet, planHashOf } from '../../src/domain/change-set.js';
import { validateCutplan, type Cutplan } from '../../src/domain/cutplan.js';
import { Mode } from '../../src/domain/mode.js';
import { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import { snapshotBackupRunner } from '../../src/postgres/backups/snapshot-runner.js';
import { DbRole, type DbSession } from '../../src/postgres/port.js';
import { PostgresLiveExecutionAdapter } from '../../src/postgres/postgres-adapter.js';
import { PostgresRunStore } from '../../src/postgres/run-store.js';
import { inTransaction, withinTransaction } from '../../src/postgres/transaction.js';
import { createRun } from '../../src/runner/create-run.js';
import type { RunView } from '../../src/runner/run-view.js';
import { createDurableRun, restoreRun } from '../../src/runs/durable-run.js';
import { approvalFor, policy, samplePlan } from '../support/fixtures.js';
import { onDurableTarget } from '../support/durable-target.js';
import { verified } from '../support/executors.js';
import { countRows, TARGET_KINDS, type Target } from '../support/targets.js';
import { anyPlanText } from '../support/any-text.js';

/** The server's content hash of a pinned row, as the cut recomputes it. */
const SERVER_CONTENT_HASH = `encode(sha256(convert_to('{"body":' || to_json(body)::text || ',"title":' || to_json(title)::text || '}', 'UTF8')), 'hex')`;

describe.each(TARGET_KINDS)('pinned plans on %s', (kind) => {
  let target: Target;
  let store: PostgresRunStore;
  const killSwitch = new InMemoryKillSwitch(true);
  const adapter = () => new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: target.provider, backupRunner: snapshotBackupRunner });
  const sql = (text: string, params: unknown[] = []) => target.admin((s) => s.query(text, params));
  /** As a schema owner who goes around the pin's write-once trigger on purpose (it fires for the owner too). */
  const sqlAroundTriggers = (text: string, params: unknown[] = []) => target.admin((s) => withinTransaction(s, async () => {
    await s.query('SET LOCAL session_replication_role = replica');
    return s.query(text, params);
  }));

  onDurableTarget(kind, killSwitch, (opened, runs) => { target = opened; store = runs; });

  /** A durable LIVE run started and parked at SG_1. */
  async function parkedAtCut(plan: Cutplan) {
    const run = await createDurableRun({ store, mode: Mode.Live, plan, initiator: 'carol', approvals: policy, executor: adapter(), killSwitch });
    run.start();
    const view = await run.settled();
    expect(view.gate).toBe('SG_1');
    return { run, view };
  }

  /** Approves SG_1 and returns where the run stopped next. */
  async function approveCut(run: Awaited<ReturnType<typeof parkedAtCut>>['run'], view: RunView): Promise<RunView> {
    expect(run.approve(approvalFor(view, 'SG_1'))).toEqual({ accepted: true });
    return run.settled();
  }

  it('planning pins the plan in the target once: the run store keeps no copy, and the run lists the pinned hash', async () => {
    const plan = samplePlan(5, 'handbook/pinned');
    const { run, view } = await parkedAtCut(plan);
    expect(await countRows(target, 'pinned_plan_rows', 'run_id = $1', [run.id])).toBe(5);
    expect(await countRows(target, 'run_plan_rows', 'run_id = $1', [run.id])).toBe(0);
    const pin = (await sql('SELECT plan_hash, row_count FROM cutter.pinned_plans WHERE run_id = $1', [run.id])).rows[0];
    expect(pin).toEqual({ plan_hash: planHashOf(plan), row_count: 5 });
    expect(view.context.changeSet?.planHash).toBe(planHashOf(plan));
    expect((await store.list()).find((r) => r.runId === run.id)?.planHash).toBe(planHashOf(plan));
    run.stop();
  }, 60_000);

  it('the cut inserts exactly the pinned rows, and a run restored from the pin completes', async () => {
    const plan = validateCutplan([
      { address: 'handbook/pin/b', title: 'Tab\there "quoted"', body: 'Line\nbreak, \\ backslash, \\N, \u0001 control, 🚀 and é', source: 'docs/b.md' },
      { address: 'handbook/pin/a', title: 'A', body: 'Alpha\r\n\u2028' },
    ]);
    const first = await parkedAtCut(plan);
    await first.run.release();
    // Another process: the plan comes back from the pin, equal to the one planned.
    expect((await store.load(first.run.id))?.plan).toEqual(plan);
    const second = await restoreRun({ store, runId: first.run.id, approvals: policy, executor: adapter(), killSwitch });
    const atEnact = await approveCut(second, second.view());
    expect(atEnact.gate).toBe('SG_2');
    second.approve(approvalFor(atEnact, 'SG_2', 'bob'));
    expect((await second.settled()).output?.status).toBe('completed');
    const written = (await sql('SELECT address, title, body, content_hash FROM cutter.iu_versions ORDER BY address')).rows;
    expect(written).toEqual([...plan.rows].sort((a, b) => a.address.localeCompare(b.address)).map((r) => ({ address: r.address, title: r.title, body: r.body, content_hash: r.contentHash })));
  }, 60_000);

  const tamperings: [string, string[], RegExp][] = [
    ['a pinned body edited', ["UPDATE cutter.pinned_plan_rows SET body = 'Tampered after approval.' WHERE run_id = $1 AND ord = 1"], /no longer hash to their content hash.*: handbook\/tamper\/section-2;/],
    ['a pinned body and its content hash edited together', [
      "UPDATE cutter.pinned_plan_rows SET body = 'Tampered.' WHERE run_id = $1 AND ord = 2",
      `UPDATE cutter.pinned_plan_rows SET content_hash = ${SERVER_CONTENT_HASH} WHERE run_id = $1 AND ord = 2`,
    ], /content digest/],
    ['a row added to the pin', [`INSERT INTO cutter.pinned_plan_rows (run_id, ord, address, title, body, content_hash, blank)
      SELECT run_id, 3, 'handbook/tamper/extra', title, body, content_hash, blank FROM cutter.pinned_plan_rows WHERE run_id = $1 AND ord = 0`], /4 pinned rows for 3 planned/],
    ['a row removed from the pin', ['DELETE FROM cutter.pinned_plan_rows WHERE run_id = $1 AND ord = 0'], /2 pinned rows for 3 planned/],
  ];

  it.each(tamperings)('%s after approval, around the write-once trigger, while the run is held in this process: the cut refuses, names why, and writes nothing', async (_name, tamper, why) => {
    const { run, view } = await parkedAtCut(samplePlan(3, 'handbook/tamper'));
    for (const statement of tamper) await sqlAroundTriggers(statement, [run.id]);
    const after = await approveCut(run, view);
    expect(after.context.error).toMatchObject({ code: 'E_STOP_INVARIANT' });
    expect(after.context.error?.message).toMatch(why);
    expect(after.context.committed).not.toContain('cut');
    expect(await countRows(target, 'iu_versions')).toBe(0);
    expect(await countRows(target, 'change_sets')).toBe(0);
    expect(await countRows(target, 'phase_records', "phase = 'cutLegA'")).toBe(0);
    run.stop();
  }, 60_000);

  it('a pin is write-once even for the schema owner: an UPDATE or DELETE is refused, naming the row, and the run is cut as approved', async () => {
    const { run, view } = await parkedAtCut(samplePlan(3, 'handbook/owner'));
    await expect(sql("UPDATE cutter.pinned_plan_rows SET body = 'Owner edit', content_hash = 'x' WHERE run_id = $1 AND ord = 1", [run.id]))
      .rejects.toThrow(`a pinned plan is write-once: UPDATE of run ${run.id} refused (row 1, handbook/owner/section-2)`);
    await expect(sql('DELETE FROM cutter.pinned_plan_rows WHERE run_id = $1 AND ord = 0', [run.id])).rejects.toThrow(/write-once: DELETE .*handbook\/owner\/section-1/);
    await expect(sql("UPDATE cutter.pinned_plans SET plan_hash = repeat('0', 64) WHERE run_id = $1", [run.id])).rejects.toThrow(/write-once: UPDATE of run/);
    expect((await approveCut(run, view)).gate).toBe('SG_2');
    await run.release();
  }, 60_000);

  it('a pin changed consistently between two processes (body and content hash together, around the trigger): the next process refuses to restore the run, and nothing is cut', async () => {
    const plan = samplePlan(3, 'handbook/between');
    const { run } = await parkedAtCut(plan);
    await run.release(); // the command that parked it ends
    await sqlAroundTriggers("UPDATE cutter.pinned_plan_rows SET body = 'Changed between two commands.' WHERE run_id = $1 AND ord = 2", [run.id]);
    await sqlAroundTriggers(`UPDATE cutter.pinned_plan_rows SET content_hash = ${SERVER_CONTENT_HASH} WHERE run_id = $1 AND ord = 2`, [run.id]);
    await expect(restoreRun({ store, runId: run.id, approvals: policy, executor: adapter(), killSwitch })).rejects.toMatchObject({
      code: 'E_PLAN_PIN_MISMATCH', message: expect.stringContaining(`not to ${planHashOf(plan)}, the plan hash its change set was pinned with and approved for`),
    });
    expect(await countRows(target, 'iu_versions')).toBe(0);
    expect(await countRows(target, 'run_holds')).toBe(0);
  }, 60_000);

  it('the phase roles may add a pin but never change or remove one', async () => {
    const { run } = await parkedAtCut(samplePlan(2, 'handbook/grants'));
    run.stop();
    for (const role of [DbRole.Exec, DbRole.Verify]) {
      for (const statement of ["UPDATE cutter.pinned_plan_rows SET body = 'x'", 'DELETE FROM cutter.pinned_plan_rows', "UPDATE cutter.pinned_plans SET plan_hash = repeat('0', 64)"]) {
        await expect(inTransaction(target.provider, role, undefined, (s) => s.query(statement)), `${role}: ${statement}`).rejects.toMatchObject({ code: '42501' });
      }
    }
    expect(await countRows(target, 'pinned_plan_rows', 'run_id = $1', [run.id])).toBe(2);
  }, 60_000);

  it('a run stored before planning pinned its plan cannot be restored: E_RUN_NOT_PLANNED, and nothing was written', async () => {
    const run = await createDurableRun({ store, mode: Mode.Live, plan: samplePlan(2), initiator: 'carol', approvals: policy, executor: adapter(), killSwitch });
    run.stop();
    expect((await store.load(run.id))?.plan).toBeNull();
    expect((await store.list()).find((r) => r.runId === run.id)?.planHash).toBeNull();
    await expect(restoreRun({ store, runId: run.id, approvals: policy, executor: adapter(), killSwitch })).rejects.toMatchObject({ code: 'E_RUN_NOT_PLANNED' });
    expect(await countRows(target, 'pinned_plans')).toBe(0);
  }, 60_000);

  it('a plan that does not hash to the expected plan hash is refused at planning, and nothing is pinned', async () => {
    const run = createRun({ mode: Mode.Live, plan: samplePlan(2), initiator: 'carol', approvals: policy, executor: adapter(), killSwitch, expectedPlanHash: 'f'.repeat(64) });
    run.start();
    const view = await run.settled();
    expect(view.output).toMatchObject({ status: 'refused', error: { code: 'E_PLAN_PIN_MISMATCH' } });
    expect(await countRows(target, 'pinned_plans')).toBe(0);
    expect(await countRows(target, 'pinned_plan_rows')).toBe(0);
  }, 60_000);

  it('pinning again for the same run returns the pin unchanged; another plan under that run id is refused', async () => {
    const plan = samplePlan(3, 'handbook/again');
    const first = await adapter().pinPlan({ runId: 'run-again' }, plan, null);
    expect(await adapter().pinPlan({ runId: 'run-again' }, plan, planHashOf(plan))).toEqual(first);
    expect(await countRows(target, 'pinned_plan_rows')).toBe(3);
    await expect(adapter().pinPlan({ runId: 'run-again' }, samplePlan(3, 'handbook/other'), null)).rejects.toMatchObject({ code: 'E_PLAN_PIN_MISMATCH' });
    expect(await countRows(target, 'pinned_plan_rows')).toBe(3);
  }, 60_000);

  it('the server hashes any well-formed title and body as the plan does, so a pinned plan of any text is cut', async () => {
    let n = 0;
    await fc.assert(fc.asyncProperty(fc.array(fc.record({ title: anyPlanText, body: anyPlanText }), { minLength: 1, maxLength: 5 }), async (contents) => {
      const runId = `run-text-${++n}`;
      const plan = validateCutplan(contents.map((c, i) => ({ address: `handbook/text-${n}/row-${i}`, ...c })));
      const a = adapter();
      const pin = await a.pinPlan({ runId }, plan, null);
      await a.cutLegA({ runId, mode: Mode.Live, changeSet: changeSetOf(pin.planHash, pin.rowCount, runId, pin) }, plan.rows);
      await a.releaseTarget({ runId });
      const written = (await sql('SELECT title, body FROM cutter.iu_versions WHERE address LIKE $1 ORDER BY address', [`handbook/text-${n}/%`])).rows;
      expect(written).toEqual(plan.rows.map((r) => ({ title: r.title, body: r.body })));
    }), { numRuns: 25 });
  }, 120_000);

  it('a cut whose change set is not of the plan pinned for its run is refused before anything is written', async () => {
    const pinned = samplePlan(2, 'handbook/pinned-one');
    const other = samplePlan(2, 'handbook/cut-other');
    const pin = await adapter().pinPlan({ runId: 'run-mixed' }, pinned, null);
    const ctx = { runId: 'run-mixed', mode: Mode.Live, changeSet: changeSetOf(planHashOf(other), 2, 'run-mixed', pin) };
    await expect(adapter().cutLegA(ctx, other.rows)).rejects.toMatchObject({ code: 'E_STOP_INVARIANT', message: expect.stringContaining(`hashes to ${planHashOf(pinned).slice(0, 12)}`) });
    expect(await countRows(target, 'iu_versions')).toBe(0);
    expect(await countRows(target, 'change_sets')).toBe(0);
  }, 60_000);

  /** Pins `plan` for `runId` and returns the cut's context for it, as planning would have pinned the change set. */
  async function pinnedContext(plan: Cutplan, runId: string, provider = target.provider) {
    const pinning = new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: provider, backupRunner: snapshotBackupRunner });
    const pin = await pinning.pinPlan({ runId }, plan, null);
    return { runId, mode: Mode.Live, changeSet: changeSetOf(pin.planHash, pin.rowCount, runId, pin) };
  }

  /** Pins `plan`, cuts it from the pin and enacts it, as a run would: its addresses then have an enacted version. */
  async function enacted(plan: Cutplan, runId: string): Promise<Cutplan> {
    const ctx = await pinnedContext(plan, runId);
    await adapter().cutLegA(ctx, plan.rows);
    await verified(adapter(), ctx, plan.rows); // the database enacts only a verified change set
    await adapter().lifecycleEnact(ctx, { addresses: plan.rows.map((r) => r.address), reviewDecisionId: `RD-${runId}` });
    await adapter().releaseTarget(ctx);
    return plan;
  }

  it('a cut from the pin reports every row with its version and content hash, and its finish', async () => {
    const seen: string[] = [];
    const plan = samplePlan(3, 'handbook/from-pin');
    const ctx = await pinnedContext(plan, 'run-from-pin');
    const cutter = new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: target.provider, chunkSize: 2, onProgress: (p) => seen.push(`${p.phase} ${p.done}/${p.total}${p.finished ? ' finished' : ''}`) });
    const results = await cutter.cutLegA(ctx, plan.rows);
    expect(results).toEqual(plan.rows.map((r) => ({ address: r.address, version: 1, status: 'created', contentHash: r.contentHash, simulated: false })));
    // The server-side insert goes a chunk of the pin at a time, each reported as the database wrote it: a rate, not one
    // report at the end ("3/3 (100%) · 0 rows/s").
    expect(seen).toEqual(['cutLegA 0/3', 'cutLegA 2/3', 'cutLegA 3/3', 'cutLegA 3/3 finished']);
  }, 60_000);

  it('a cut from the pin over addresses with history: a new version after an enacted one, a refusal naming an open draft', async () => {
    const first = await enacted(samplePlan(2, 'handbook/history'), 'run-history-1');
    // The same addresses with new content, and one new address: the first two become version 2.
    const second = validateCutplan([...first.rows.map((r) => ({ address: r.address, title: r.title, body: `${r.body} Revised.` })), { address: 'handbook/history/new', title: 'New', body: 'A new section.' }]);
    const secondCtx = await pinnedContext(second, 'run-history-2');
    const results = await adapter().cutLegA(secondCtx, second.rows);
    expect(results.map((r) => `${r.address} v${r.version}`)).toEqual(['handbook/history/section-1 v2', 'handbook/history/section-2 v2', 'handbook/history/new v1']);
    expect((await sql("SELECT address, version FROM cutter.iu_versions WHERE status = 'draft' ORDER BY address, version")).rows).toEqual([
      { address: 'handbook/history/new', version: 1 }, { address: 'handbook/history/section-1', version: 2 }, { address: 'handbook/history/section-2', version: 2 },
    ]);
    await adapter().releaseTarget(secondCtx);
    // A third plan over section-1, whose version 2 is still an open draft: refused, naming it, and nothing written.
    const third = validateCutplan([{ address: 'handbook/history/other', title: 'Other', body: 'Other.' }, { address: 'handbook/history/section-1', title: 'S', body: 'Third.' }]);
    const thirdCtx = await pinnedContext(third, 'run-history-3');
    const before = await countRows(target, 'iu_versions');
    const refused = adapter().cutLegA(thirdCtx, third.rows);
    await expect(refused).rejects.toMatchObject({ code: 'E_STOP_INVARIANT', address: 'handbook/history/section-1', status: 'conflict' });
    expect(await countRows(target, 'iu_versions')).toBe(before);
  }, 60_000);

  it('a pinned row edited since planning is named in the refusal, with the rows re-hashed', async () => {
    const plan = samplePlan(3, 'handbook/named');
    const ctx = await pinnedContext(plan, 'run-named');
    await sqlAroundTriggers("UPDATE cutter.pinned_plan_rows SET title = 'Edited' WHERE run_id = 'run-named' AND ord = 2");
    await expect(adapter().cutLegA(ctx, plan.rows)).rejects.toMatchObject({
      code: 'E_STOP_INVARIANT', address: plan.rows[2]?.address, status: 'edited', message: expect.stringContaining('nothing was cut'),
    });
    expect(await countRows(target, 'iu_versions')).toBe(0);
  }, 60_000);

  it('a plan pinned and then overtaken by another write to one of its addresses: the cut refuses as stale, naming it', async () => {
    const plan = samplePlan(3, 'handbook/overtaken');
    const ctx = await pinnedContext(plan, 'run-overtaken');
    const meanwhile = validateCutplan([{ address: plan.rows[1]?.address, title: 'Meanwhile', body: 'Written after the pin.' }]);
    const otherCtx = await pinnedContext(meanwhile, 'run-meanwhile');
    await adapter().cutLegA(otherCtx, meanwhile.rows);
    await adapter().releaseTarget(otherCtx);
    await expect(adapter().cutLegA(ctx, plan.rows)).rejects.toMatchObject({ code: 'E_PLAN_STALE', message: expect.stringContaining(plan.rows[1]?.address ?? '?') });
    expect(await countRows(target, 'iu_versions', 'change_set_id = $1', [ctx.changeSet.changeSetId])).toBe(0);
  }, 60_000);

  it('a run planned without a pin (before migration 7) still cuts from its rows, its fingerprint checked over them', async () => {
    const earlier = await enacted(samplePlan(2, 'handbook/unpinned'), 'run-unpinned-0');
    // Planned as before pins existed: a fingerprint of addresses that already have versions, and no pin.
    const plan = validateCutplan(earlier.rows.map((r) => ({ address: r.address, title: r.title, body: `${r.body} Again.` })));
    const fingerprint = await adapter().fingerprintTarget({ runId: 'run-unpinned' }, plan.rows.map((r) => r.address));
    const ctx = { runId: 'run-unpinned', mode: Mode.Live, changeSet: pinChangeSet(plan, 'run-unpinned', fingerprint) };
    const results = await adapter().cutLegA(ctx, plan.rows);
    expect(results.map((r) => r.version)).toEqual([2, 2]);
    expect(await countRows(target, 'pinned_plans', 'run_id = $1', ['run-unpinned'])).toBe(0);
  }, 60_000);

  it('pins and cuts through a session that cannot COPY (rows inserted a chunk at a time)', async () => {
    const noCopy: typeof target.provider = async (role) => {
      const session: DbSession = await target.provider(role);
      delete session.copyRows;
      return session;
    };
    const plan = samplePlan(5, 'handbook/no-copy');
    const ctx = await pinnedContext(plan, 'run-no-copy', noCopy);
    expect(await countRows(target, 'pinned_plan_rows', 'run_id = $1', ['run-no-copy'])).toBe(5);
    const results = await new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: noCopy, chunkSize: 2 }).cutLegA(ctx, plan.rows);
    expect(results).toHaveLength(5);
    expect((await sql('SELECT title, body FROM cutter.iu_versions ORDER BY address')).rows).toEqual(plan.rows.map((r) => ({ title: r.title, body: r.body })));
  }, 60_000);

  it('reports pinning progress like a writing phase', async () => {
    const seen: string[] = [];
    const pinning = new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: target.provider, chunkSize: 2, onProgress: (p) => seen.push(`${p.phase} ${p.done}/${p.total}${p.finished ? ' finished' : ''}`) });
    await pinning.pinPlan({ runId: 'run-progress' }, samplePlan(5), null);
    expect(seen).toEqual(['planning 0/5', 'planning 2/5', 'planning 4/5', 'planning 5/5', 'planning 5/5 finished']);
    // A pin already made is returned without pinning again, so without progress.
    await pinning.pinPlan({ runId: 'run-progress' }, samplePlan(5), null);
    expect(seen).toHaveLength(5);
  }, 60_000);
});
