/**
 * Planning streamed into the target (stagePlan; issue 17): the sources are never held, yet the result is the one
 * classifyPlan gives for the same rows held in memory: the same counts, addresses, change-set rows and, above all, the
 * same plan hash (approvals bind to it), and the same refusals with the same issues.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planHashOf } from '../../src/domain/change-set.js';
import { validateCutplan, type Cutplan } from '../../src/domain/cutplan.js';
import { PlanLimits } from '../../src/domain/limits.js';
import { PlanConflict, PlanInvalid } from '../../src/errors/index.js';
import { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import { loadPlanSources } from '../../src/planning/index.js';
import { expandSources } from '../../src/planning/plan.js';
import { reopenableSourceRows } from '../../src/planning/source-rows.js';
import { snapshotBackupRunner } from '../../src/postgres/backups/snapshot-runner.js';
import { classifyPlan } from '../../src/postgres/classify.js';
import { DbRole } from '../../src/postgres/port.js';
import { PostgresLiveExecutionAdapter } from '../../src/postgres/postgres-adapter.js';
import type { PostgresRunStore } from '../../src/postgres/run-store.js';
import { stagedAddresses, stagedChangeSet, stagePlan } from '../../src/postgres/sql/streamed-plan.js';
import { createDurableRun } from '../../src/runs/durable-run.js';
import { onDurableTarget } from '../support/durable-target.js';
import { approvalFor, policy } from '../support/fixtures.js';
import { driveToEnd } from '../support/run-fixtures/drive-to-end.js';
import { TARGET_KINDS, type Target } from '../support/targets.js';
import { anyPlanText } from '../support/any-text.js';

let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'cutter-streamed-plan-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

let files = 0;
/** An NDJSON source holding `rows`, written as given (invalid rows too). */
async function source(rows: readonly unknown[]): Promise<string> {
  files += 1;
  const path = join(dir, `s${files}.ndjson`);
  await writeFile(path, rows.map((r) => JSON.stringify(r)).join('\n'));
  return path;
}

const kb = (sections: Record<string, string>) => Object.entries(sections).map(([slug, body]) => ({ address: `kb/${slug}`, title: slug, body }));

const error = (caught: unknown): PlanInvalid => {
  expect(caught).toBeInstanceOf(PlanInvalid);
  return caught as PlanInvalid;
};

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try { await promise; } catch (error) { return error; }
  throw new Error('expected a rejection');
}

describe.each(TARGET_KINDS)('a plan streamed into %s', (kind) => {
  let target: Target;
  let store: PostgresRunStore;
  const killSwitch = new InMemoryKillSwitch(true);
  onDurableTarget(kind, killSwitch, (opened, runs) => { target = opened; store = runs; });

  async function apply(plan: Cutplan): Promise<void> {
    const executor = new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: target.provider, backupRunner: snapshotBackupRunner });
    const run = await createDurableRun({ store, mode: 'LIVE', plan, initiator: 'carol', approvals: policy, executor, killSwitch });
    run.start();
    const { view } = await driveToEnd(run);
    await run.release();
    expect(view.output?.status).toBe('completed');
  }

  /** stagePlan over the files, in a transaction rolled back, with what the CLI reads back from the stage. */
  async function streamed(paths: string[], retireWithin: readonly string[] | null = []) {
    const session = await target.provider(DbRole.Verify);
    try {
      await session.query('BEGIN');
      try {
        const staged = await stagePlan(session, reopenableSourceRows(await expandSources(paths)), retireWithin);
        const addresses = [];
        for await (const a of stagedAddresses(session, true)) addresses.push(a);
        const rows = [];
        for await (const r of stagedChangeSet(session)) rows.push(r);
        return { staged, addresses, rows };
      } finally {
        await session.query('ROLLBACK');
      }
    } finally {
      await session.release();
    }
  }

  it('gives the counts, addresses, rows and plan hash classifyPlan gives, against a target that holds some of them', async () => {
    const first = await classifyPlan(target.provider, validateCutplan(kb({ a: 'A1', b: 'B1', c: 'C1' })));
    if (first.plan === null) throw new Error('nothing planned');
    await apply(first.plan);

    const path = await source(kb({ d: 'D1', a: 'A2', b: 'B1', e: 'E1' }));
    for (const retire of [[], ['kb'], null] as const) {
      const expected = await classifyPlan(target.provider, await loadPlanSources([path]), { retireMissingWithin: retire ?? ['kb'] });
      const { staged, addresses, rows } = await streamed([path], retire);
      expect(staged.counts).toEqual(expected.counts);
      expect(addresses).toEqual(expected.addresses);
      expect(rows).toEqual(expected.plan?.rows.map(({ address, title, body, contentHash, action }) => ({ address, title, body, contentHash, action })));
      expect(staged.rowCount).toBe(expected.plan?.rows.length);
      expect(staged.planHash).toBe(planHashOf(expected.plan as Cutplan));
    }
    expect((await streamed([path], ['kb'])).staged.counts).toEqual({ new: 2, changed: 1, retire: 1, unchanged: 1 });

    // With no new row the change set's rows are found from the classes alone (sendChangeSet's other cursor): the same
    // rows, in the same order, and the same plan hash.
    const changedOnly = await source(kb({ a: 'A3', b: 'B1', c: 'C2' }));
    const expected = await classifyPlan(target.provider, await loadPlanSources([changedOnly]), { retireMissingWithin: [] });
    const { staged, rows } = await streamed([changedOnly], []);
    expect(staged.counts).toEqual({ new: 0, changed: 2, retire: 0, unchanged: 1 });
    expect(rows).toEqual(expected.plan?.rows.map(({ address, title, body, contentHash, action }) => ({ address, title, body, contentHash, action })));
    expect(rows.map((r) => r.address)).toEqual(['kb/a', 'kb/c']);
    expect(staged.planHash).toBe(planHashOf(expected.plan as Cutplan));
  }, 60_000);

  it('has no change set (plan hash null) when the target already holds the sources', async () => {
    const plan = validateCutplan(kb({ a: 'A1' }).map((r) => ({ ...r, action: 'new' })));
    await apply(plan);
    const { staged } = await streamed([await source(kb({ a: 'A1' }))]);
    expect(staged).toEqual({ counts: { new: 0, changed: 0, retire: 0, unchanged: 1 }, rowCount: 0, planHash: null, digests: null });
  }, 60_000);

  it('hashes 3,000 new rows across two files as planHashOf does, read back in address order', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => ({ address: `bulk/${(i * 7919) % 3000}`, title: `T ${i}`, body: `Body ${i} \t"quoted"\n\\ é 😀` }));
    const paths = [await source(rows.slice(0, 1700)), await source(rows.slice(1700))];
    const expected = await classifyPlan(target.provider, await loadPlanSources(paths));
    const { staged } = await streamed(paths);
    expect(staged.planHash).toBe(planHashOf(expected.plan as Cutplan));
    expect(staged.counts.new).toBe(3000);
  }, 60_000);

  it('hashes rows of any text as planHashOf does, through the stage and read back', async () => {
    let n = 0;
    await fc.assert(fc.asyncProperty(fc.array(fc.record({ title: anyPlanText, body: anyPlanText }), { minLength: 1, maxLength: 5 }), async (contents) => {
      n += 1;
      const rows = contents.map((c, i) => ({ address: `any-text/p${n}/r${i}`, ...c }));
      const { staged } = await streamed([await source(rows)]);
      expect(staged.planHash).toBe(planHashOf(validateCutplan(rows.map((r) => ({ ...r, action: 'new' })))));
    }), { numRuns: 20 });
  }, 120_000);

  it('refuses what loadPlanSources refuses, with the same issues: duplicates (also of bad rows), bad rows, a mixed action', async () => {
    const bad = [
      { address: 'kb/a', title: 'A', body: 'x' }, { address: 'kb/b', title: '', body: 'x' }, { address: 'kb/a', title: 'A', body: 'y' },
      { address: 'kb/b', title: 'B', body: 7 }, { address: 'Bad Address', title: 'T', body: 'z' }, { address: 'kb/c', title: 'C', body: 'c', action: 'new' },
    ];
    const paths = [await source(bad.slice(0, 2)), await source(bad.slice(2))];
    const expected = await rejection(loadPlanSources(paths));
    const error = await rejection(streamed(paths));
    expect(error).toBeInstanceOf(PlanInvalid);
    expect((error as PlanInvalid).issues).toEqual((expected as PlanInvalid).issues);
    expect((error as PlanInvalid).issues.filter((i) => i.message.includes('duplicates row'))).toHaveLength(2);
  }, 60_000);

  it('refuses an address given twice in a first load (planned in one pass) as loadPlanSources does, and plans it once fixed', async () => {
    const rows = kb({ a: 'A', b: 'B' });
    const twice = await source([...rows, { ...rows[0], body: 'again' }]);
    const error = await rejection(streamed([twice]));
    expect(error).toBeInstanceOf(PlanInvalid);
    expect((error as PlanInvalid).issues).toEqual(((await rejection(loadPlanSources([twice]))) as PlanInvalid).issues);
    const once = await source(rows);
    const { staged, rows: pinned } = await streamed([once]);
    expect(staged.counts).toEqual({ new: 2, changed: 0, retire: 0, unchanged: 0 });
    expect(staged.planHash).toBe(planHashOf((await classifyPlan(target.provider, await loadPlanSources([once]))).plan as Cutplan));
    expect(pinned.map((r) => r.address)).toEqual(['kb/a', 'kb/b']);
  }, 60_000);

  it('refuses a bad NDJSON line as the file reader does, before anything is classified', async () => {
    const path = join(dir, 'broken.ndjson');
    await writeFile(path, `${JSON.stringify(kb({ a: 'A' })[0])}\n{broken\n`);
    const error = await rejection(streamed([path]));
    expect(error).toBeInstanceOf(PlanInvalid);
    expect((error as PlanInvalid).issues).toEqual(((await rejection(loadPlanSources([path]))) as PlanInvalid).issues);
  }, 60_000);

  /** stagePlan over rows given in memory, whose second reading may differ from the first (a file edited meanwhile). */
  let passes = 0;
  async function streamedTwice(first: readonly unknown[], second: readonly unknown[]) {
    passes = 0;
    const sources = () => {
      const rows = passes++ === 0 ? first : second;
      return (async function* () { for (const [i, raw] of rows.entries()) yield await Promise.resolve({ raw, origin: `mem row ${i}` }); })();
    };
    const session = await target.provider(DbRole.Verify);
    try {
      await session.query('BEGIN');
      try {
        return { staged: await stagePlan(session, sources, []), passes };
      } finally {
        await session.query('ROLLBACK');
      }
    } finally {
      await session.release();
    }
  }

  it('refuses a first load past the row limit in its one reading, with the issue the two-pass path gives', async () => {
    const limits = PlanLimits as { maxRows: number };
    const saved = limits.maxRows;
    limits.maxRows = 3;
    try {
      const rows = kb({ a: 'A', b: 'B', c: 'C', d: 'D' });
      const firstLoad = await rejection(streamedTwice(rows, rows));
      expect(error(firstLoad).issues).toEqual([{ row: undefined, field: 'rows', message: 'must contain at most 3 rows' }]);
      // Read once: the refusal is not found again by reading the rows a second time.
      expect(passes).toBe(1);
      await apply(validateCutplan(kb({ z: 'Z' })));
      const twoPass = await rejection(streamedTwice(rows, rows));
      expect(error(twoPass).issues).toEqual(error(firstLoad).issues);
    } finally {
      limits.maxRows = saved;
    }
  }, 60_000);

  it('sends only the change set the second time: an unchanged row edited meanwhile is not read, a changed one is refused naming it', async () => {
    await apply(validateCutplan(kb({ a: 'A1', b: 'B1' })));
    const read = kb({ a: 'A1', b: 'B2', c: 'C1' });
    const expected = await classifyPlan(target.provider, validateCutplan(read));
    // Row 0 (kb/a) is unchanged, so pass 2 skips it: what it says then does not matter, and the plan is pass 1's.
    const { staged, passes } = await streamedTwice(read, [{ nonsense: true }, ...read.slice(1)]);
    expect(passes).toBe(2);
    expect(staged.planHash).toBe(planHashOf(expected.plan as Cutplan));
    expect(staged.counts).toEqual({ new: 1, changed: 1, retire: 0, unchanged: 1 });

    const edited = await rejection(streamedTwice(read, [read[0], { ...read[1], body: 'B3' }, read[2]]));
    expect(error(edited).issues).toEqual([{ row: 1, field: 'rows', message: 'mem row 1: is not the row read a moment ago (kb/b): the sources changed while they were being planned; plan again' }]);
    const shorter = await rejection(streamedTwice(read, read.slice(0, 2)));
    expect(error(shorter).issues[0]?.message).toContain('the sources ended before row 2 (kb/c)');
  }, 60_000);

  it('refuses addresses with open drafts of another change set (E_PLAN_CONFLICT), naming the change set', async () => {
    const executor = new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: target.provider, backupRunner: snapshotBackupRunner });
    const run = await createDurableRun({ store, mode: 'LIVE', plan: validateCutplan(kb({ x: 'X1' })), initiator: 'carol', approvals: policy, executor, killSwitch });
    run.start();
    run.approve(approvalFor(await run.settled(), 'SG_1'));
    const atEnact = await run.settled();
    expect(atEnact.gate).toBe('SG_2');
    const error = await rejection(streamed([await source(kb({ w: 'W', x: 'X2' }))]));
    expect(error).toBeInstanceOf(PlanConflict);
    expect((error as PlanConflict).conflicts).toEqual([{ address: 'kb/x', changeSetId: atEnact.context.changeSet?.changeSetId }]);
    await run.release();
  }, 60_000);
});
