/**
 * A LIVE run of a plan pinned in the target and known only by its facts (pinSourceRows, then createDurableRun with
 * `pinnedPlan`): planning streamed, classified and pinned server-side, the cut and enactment driven by the pin, the
 * run restored from the pin's facts. Its results must be exactly those of the same sources run from a plan held in
 * memory (I5, I6), and a pin tampered with as the schema owner would must be refused before anything is cut (I7).
 */
import { describe, expect, it } from 'vitest';
import { actionDigestOf } from '../../src/postgres/sql/pinned-plan.js';
import { contentDigestOf, planHashOf } from '../../src/domain/change-set.js';
import { validateCutplan, type Cutplan } from '../../src/domain/cutplan.js';
import { writesVersion } from '../../src/domain/iu.js';
import { Mode } from '../../src/domain/mode.js';
import { InvalidInput } from '../../src/errors/index.js';
import { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import { snapshotBackupRunner } from '../../src/postgres/backups/snapshot-runner.js';
import { classifyPlan } from '../../src/postgres/classify.js';
import { pinSourceRows } from '../../src/postgres/pin-sources.js';
import { PostgresLiveExecutionAdapter } from '../../src/postgres/postgres-adapter.js';
import { PostgresRunStore } from '../../src/postgres/run-store.js';
import { withinTransaction } from '../../src/postgres/transaction.js';
import { DryRunSimulator } from '../../src/executors/simulator.js';
import type { Executor } from '../../src/executors/executor.js';
import { createDurableRun, restoreRun } from '../../src/runs/durable-run.js';
import type { RunView } from '../../src/runner/run-view.js';
import { approvalFor, policy } from '../support/fixtures.js';
import { onDurableTarget } from '../support/durable-target.js';
import { countRows, TARGET_KINDS, type Target } from '../support/targets.js';

type Raw = { address: string; title: string; body: string };
const rowsOf = (n: number, edit = (_i: number, body: string) => body): Raw[] =>
  Array.from({ length: n }, (_, i) => ({ address: `kb/facts/section-${String(i).padStart(3, '0')}`, title: `Section ${i}`, body: edit(i, `Body ${i}: governed text.`) }));
async function* streamOf(rows: readonly Raw[]) {
  for (const [i, raw] of rows.entries()) yield await Promise.resolve({ raw, origin: `test row ${i}` });
}

/** A store whose `load` (which reads every row of a plan) must not be called: a pinned run is restored from its facts. */
class NoLoadStore extends PostgresRunStore {
  override load(runId: string): never {
    throw new Error(`load(${runId}) read the whole plan`);
  }
}

describe.each(TARGET_KINDS)('runs of a pinned plan known by its facts, on %s', (kind) => {
  let target: Target;
  let store: PostgresRunStore;
  const killSwitch = new InMemoryKillSwitch(true);
  const adapter = () => new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: target.provider, backupRunner: snapshotBackupRunner });
  onDurableTarget(kind, killSwitch, (opened, runs) => { target = opened; store = runs; });

  /** Pins the rows for a new run and starts it from the facts; returns the run parked at SG_1 and the facts. */
  async function pinnedAtCut(rows: readonly Raw[], retireWithin: readonly string[] | null = []) {
    const runId = crypto.randomUUID();
    const { staged, facts } = await pinSourceRows(target.provider, runId, () => streamOf(rows), { retireWithin });
    if (facts === null) throw new Error('nothing to change');
    const run = await createDurableRun({ store, mode: Mode.Live, pinnedPlan: facts, initiator: 'carol', approvals: policy, executor: adapter(), killSwitch });
    run.start();
    const view = await run.settled();
    expect(view.gate).toBe('SG_1');
    return { run, view, facts, staged };
  }

  async function completeFrom(runId: string, gate: 'SG_1' | 'SG_2', view: RunView): Promise<RunView> {
    // Every CLI command is a new process: restore the run before acting on it.
    const restored = await restoreRun({ store: new NoLoadStore((work) => target.admin(work)), runId, approvals: policy, executor: adapter(), killSwitch });
    expect(restored.view().gate).toBe(gate);
    expect(restored.approve(approvalFor(view, gate))).toEqual({ accepted: true });
    const next = await restored.settled();
    await restored.release();
    return next;
  }

  /** Pins the rows and carries their run through both gates, each approval in a restored run. */
  async function enacted(rows: readonly Raw[]): Promise<RunView> {
    const { run, view } = await pinnedAtCut(rows);
    await run.release();
    return completeFrom(run.id, 'SG_2', await completeFrom(run.id, 'SG_1', view));
  }

  it('has the hash and digests of the same plan held whole, and is cut, verified and enacted from the pin after each restore', async () => {
    const rows = rowsOf(25);
    const held: Cutplan = (await classifyPlan(target.provider, validateCutplan(rows))).plan as Cutplan;
    const { run, view, facts } = await pinnedAtCut(rows);
    expect(facts).toMatchObject({
      planHash: planHashOf(held), rowCount: 25, writtenCount: 25, retireCount: 0, classified: true,
      pinDigest: contentDigestOf(held.rows), writtenDigest: contentDigestOf(held.rows.filter(writesVersion)), actionDigest: actionDigestOf(held.rows),
    });
    expect(view.context.changeSet?.planHash).toBe(facts.planHash);
    await run.release();
    const atEnact = await completeFrom(run.id, 'SG_1', view);
    expect(atEnact.gate).toBe('SG_2');
    expect(atEnact.context.results.cut?.created).toBe(25);
    expect(atEnact.context.results.verify?.ok).toBe(true);
    const done = await completeFrom(run.id, 'SG_2', atEnact);
    expect(done.output?.status).toBe('completed');
    expect(done.context.results.enact).toMatchObject({ enacted: 25, supersededCount: 0, retiredCount: 0 });
    expect(await countRows(target, 'iu_versions', "status = 'enacted'")).toBe(25);
  }, 120_000);

  it('a second, edited change with retirements is classified, pinned and carried through from the pin', async () => {
    await enacted(rowsOf(10));
    // Rows 0-7 kept (2 and 5 edited), 8 and 9 gone: retired within the sources' document.
    const second = await pinnedAtCut(rowsOf(8, (i, body) => (i === 2 || i === 5 ? `${body} Edited.` : body)), null);
    expect(second.staged.counts).toEqual({ new: 0, changed: 2, retire: 2, unchanged: 6 });
    expect(second.facts).toMatchObject({ rowCount: 4, writtenCount: 2, retireCount: 2 });
    await second.run.release();
    const secondAtEnact = await completeFrom(second.run.id, 'SG_1', second.view);
    expect(secondAtEnact.context.results.cut?.created).toBe(2);
    const done = await completeFrom(second.run.id, 'SG_2', secondAtEnact);
    expect(done.context.results.enact).toMatchObject({ enacted: 2, supersededCount: 2, retiredCount: 2 });
    expect(await countRows(target, 'iu_versions', "status = 'enacted'")).toBe(8);
    expect(await countRows(target, 'iu_versions', "status = 'retired'")).toBe(2);
  }, 120_000);

  it('sources the target already holds pin nothing', async () => {
    await enacted(rowsOf(3));
    const again = await pinSourceRows(target.provider, crypto.randomUUID(), () => streamOf(rowsOf(3)), { retireWithin: [] });
    expect(again.facts).toBeNull();
    expect(again.staged.counts).toEqual({ new: 0, changed: 0, retire: 0, unchanged: 3 });
    expect(await countRows(target, 'pinned_plans')).toBe(1);
    // Rows that can be read only once cannot be planned: the change set's rows are read a second time.
    const once = pinSourceRows(target.provider, crypto.randomUUID(), streamOf(rowsOf(4)) as never, { retireWithin: [] });
    await expect(once).rejects.toBeInstanceOf(InvalidInput);
    await expect(once).rejects.toThrow(/sources.*opens the rows again/);
    expect(await countRows(target, 'pinned_plans')).toBe(1);
  }, 120_000);

  /** As a schema owner who goes around the pin's write-once trigger on purpose. */
  const aroundTriggers = (text: string, params: unknown[]) => target.admin((s) => withinTransaction(s, async () => {
    await s.query('SET LOCAL session_replication_role = replica');
    await s.query(text, params);
  }));

  it('a pinned body edited by the schema owner is found at restore: the plan hash no longer matches, nothing is cut', async () => {
    const { run, view } = await pinnedAtCut(rowsOf(4));
    await run.release();
    await aroundTriggers("UPDATE cutter.pinned_plan_rows SET body = 'forged' WHERE run_id = $1 AND ord = 1", [run.id]);
    await expect(restoreRun({ store: new NoLoadStore((work) => target.admin(work)), runId: run.id, approvals: policy, executor: adapter(), killSwitch })).rejects.toMatchObject({ code: 'E_PLAN_PIN_MISMATCH' });
    expect(view.context.changeSet).not.toBeNull();
    expect(await countRows(target, 'iu_versions')).toBe(0);
  }, 120_000);

  it('a pinned content hash edited alone passes restore and is refused by the cut, which rehashes every pinned row', async () => {
    const { run, view } = await pinnedAtCut(rowsOf(4));
    await run.release();
    await aroundTriggers("UPDATE cutter.pinned_plan_rows SET content_hash = repeat('0', 64) WHERE run_id = $1 AND ord = 2", [run.id]);
    const restored = await restoreRun({ store: new NoLoadStore((work) => target.admin(work)), runId: run.id, approvals: policy, executor: adapter(), killSwitch });
    restored.approve(approvalFor(view, 'SG_1'));
    const after = await restored.settled();
    await restored.release();
    expect(after.state).not.toBe('awaitingEnactApproval');
    expect(JSON.stringify(after.context.error)).toContain('kb/facts/section-002');
    expect(await countRows(target, 'iu_versions')).toBe(0);
  }, 120_000);

  it('a pinned plan is refused for a DRYRUN run and for an executor that cannot work from a pin', async () => {
    const runId = crypto.randomUUID();
    const { facts } = await pinSourceRows(target.provider, runId, () => streamOf(rowsOf(2)), { retireWithin: [] });
    if (facts === null) throw new Error('nothing to change');
    await expect(createDurableRun({ store, mode: Mode.DryRun, pinnedPlan: facts, initiator: 'carol', approvals: policy, killSwitch })).rejects.toMatchObject({ code: 'E_INVALID_INPUT', field: 'pinnedPlan' });
    await expect(createDurableRun({ store, mode: Mode.Live, pinnedPlan: facts, runId: 'another-run', initiator: 'carol', approvals: policy, executor: adapter(), killSwitch })).rejects.toMatchObject({ code: 'E_INVALID_INPUT', field: 'runId' });
    expect('cutPinned' in (new DryRunSimulator() as Executor)).toBe(false);
  }, 60_000);
});
