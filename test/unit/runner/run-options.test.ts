/**
 * Library calls check what they are given at run time (issues 15 and 18): a null, a missing field or a value of the
 * wrong kind is E_INVALID_INPUT naming the field (never a TypeError), and a plan is validated by planning's own
 * validator, whatever its static type says, before anything is stored.
 */
import { describe, expect, it } from 'vitest';
import { revalidateCutplan, validateCutplan, type Cutplan } from '../../../src/domain/cutplan.js';
import { InvalidInput, PlanInvalid } from '../../../src/errors/index.js';
import { createRun, type CreateRunOptions } from '../../../src/runner/create-run.js';
import { createDurableRun, restoreRun } from '../../../src/runs/durable-run.js';
import { MemoryRunStore } from '../../../src/runs/memory-run-store.js';
import { policy, samplePlan } from '../../support/fixtures.js';

const valid = (): CreateRunOptions => ({ mode: 'DRYRUN', plan: samplePlan(2), initiator: 'carol', approvals: policy });
/** What a JavaScript caller (or a cast) can hand over. */
const loose = (options: unknown) => options as CreateRunOptions;

/** The error `call` throws (or rejects with); fails the test if it returns. */
async function errorOf(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
}

describe('createRun checks its options, whatever their static types say', () => {
  it.each([null, undefined, 'LIVE', 42, []])('options %j: E_INVALID_INPUT naming options', async (options) => {
    const error = await errorOf(() => createRun(loose(options)));
    expect(error).toBeInstanceOf(InvalidInput);
    expect(error).toMatchObject({ code: 'E_INVALID_INPUT', field: 'options' });
  });

  it.each([
    ['mode', null], ['mode', 'live'], ['mode', undefined],
    ['initiator', null], ['initiator', ''], ['initiator', 7], ['initiator', 'a\u0000b'], ['initiator', undefined],
    ['approvals', null], ['approvals', {}], ['approvals', { approvers: null }], ['approvals', { approvers: { alice: null } }],
    ['approvals', { approvers: { alice: { publicKey: 5 } } }], ['approvals', { approvers: {}, now: 'today' }], ['approvals', undefined],
    ['executor', null], ['executor', 'simulator'],
    ['killSwitch', null], ['killSwitch', {}], ['killSwitch', { executionEnabled: true }],
    ['logger', null], ['logger', {}],
    ['inspect', null], ['inspect', {}],
    ['runId', null], ['runId', ''], ['runId', 12],
    ['expectedPlanHash', null], ['expectedPlanHash', 'abc'],
    ['journal', null], ['journal', { event: () => undefined }],
    ['snapshot', null], ['snapshot', 'idle'],
    ['holdToken', null], ['holdToken', ''],
  ] as const)('%s = %j: E_INVALID_INPUT naming %s, not a TypeError', async (field, value) => {
    const error = await errorOf(() => createRun(loose({ ...valid(), [field]: value })));
    expect(error).not.toBeInstanceOf(TypeError);
    expect(error).toMatchObject({ code: 'E_INVALID_INPUT', field });
  });

  it.each([
    ['a missing plan', undefined, 'plan'],
    ['a null plan', null, 'plan'],
    ['an array for a plan', [], 'plan'],
    ['a plan without rows', {}, 'rows'],
    ['rows that are not an array', { rows: 'a' }, 'rows'],
    ['a revert of nothing', { rows: samplePlan(1).rows, reverts: '' }, 'reverts'],
  ])('%s: E_PLAN_INVALID naming %s', async (_name, plan, field) => {
    const error = await errorOf(() => createRun(loose({ ...valid(), plan })));
    expect(error).toBeInstanceOf(PlanInvalid);
    expect((error as PlanInvalid).issues).toContainEqual(expect.objectContaining({ row: undefined, field }));
  });

  it('a valid options object still creates a run', () => {
    const run = createRun(valid());
    expect(run.view().state).toBe('idle');
    run.stop();
  });
});

describe('revalidateCutplan: planning’s validator, applied to any plan a run is handed', () => {
  it('a plan validateCutplan returned is taken as it is (it is frozen, so cannot have changed)', () => {
    const plan = samplePlan(3);
    expect(revalidateCutplan(plan)).toBe(plan);
  });

  it('a hand-built plan is validated into a frozen copy, with content hashes computed, that later edits cannot reach', () => {
    const rows = [{ address: 'docs/a', title: 'A', body: 'Body' }];
    const plan = revalidateCutplan({ rows });
    expect(plan).not.toBe(rows);
    expect(Object.isFrozen(plan.rows[0])).toBe(true);
    expect(plan.rows[0]?.contentHash).toMatch(/^[0-9a-f]{64}$/);
    rows[0] = { address: 'BAD ADDR', title: 'A', body: 'Body' };
    expect(plan.rows[0]?.address).toBe('docs/a');
  });

  it('a hand-built plan whose rows break planning’s rules is refused with the same issues planning gives', () => {
    const rows = [{ address: 'BAD ADDR/../x', title: 'T'.repeat(5000), body: 'b' }, null];
    const planning = (() => { try { validateCutplan(rows); } catch (error) { return (error as PlanInvalid).issues; } return []; })();
    expect(planning.length).toBeGreaterThan(0);
    expect(() => revalidateCutplan({ rows })).toThrow(PlanInvalid);
    try {
      revalidateCutplan({ rows });
    } catch (error) {
      expect((error as PlanInvalid).issues).toEqual(planning);
    }
  });
});

describe('createDurableRun and restoreRun check their options and plan before the store is touched', () => {
  it.each([null, undefined, 'x'])('createDurableRun(%j): E_INVALID_INPUT naming options', async (options) => {
    await expect(createDurableRun(loose(options) as never)).rejects.toMatchObject({ code: 'E_INVALID_INPUT', field: 'options' });
  });

  it.each([['store', null], ['store', {}], ['store', undefined], ['hold', null], ['hold', { waitMs: -1 }], ['hold', { ttlSeconds: 'long' }]] as const)(
    'createDurableRun with %s = %j: E_INVALID_INPUT naming it, and nothing stored', async (field, value) => {
      const store = new MemoryRunStore();
      await expect(createDurableRun({ ...valid(), store, [field]: value })).rejects.toMatchObject({ code: 'E_INVALID_INPUT', field });
      expect(await store.list()).toEqual([]);
    },
  );

  it('createDurableRun with a plan planning refuses: E_PLAN_INVALID naming the row, and the store holds nothing', async () => {
    const store = new MemoryRunStore();
    const plan = { rows: [...samplePlan(2).rows, { address: 'docs/x', title: 'X', body: 'x'.repeat(3 * 1024 * 1024) }] } as unknown as Cutplan;
    await expect(createDurableRun({ ...valid(), plan, store })).rejects.toMatchObject({
      code: 'E_PLAN_INVALID', issues: [expect.objectContaining({ row: 2, field: 'body' })],
    });
    expect(await store.list()).toEqual([]);
  });

  it.each([null, undefined, 5])('restoreRun(%j): E_INVALID_INPUT naming options', async (options) => {
    await expect(restoreRun(loose(options) as never)).rejects.toMatchObject({ code: 'E_INVALID_INPUT', field: 'options' });
  });

  it.each([['runId', null], ['runId', ''], ['store', null], ['approvals', null], ['approvals', undefined]] as const)(
    'restoreRun with %s = %j: E_INVALID_INPUT naming it', async (field, value) => {
      const options = { runId: 'r', store: new MemoryRunStore(), approvals: policy, [field]: value };
      await expect(restoreRun(options as never)).rejects.toMatchObject({ code: 'E_INVALID_INPUT', field });
    },
  );

  it('restoreRun of a stored plan planning refuses (a host store may hand back anything): E_PLAN_INVALID, nothing written, the hold given back', async () => {
    const store = new MemoryRunStore();
    const bad = { rows: [{ address: 'docs/a', title: 'A', body: 'a\u0000b' }] } as unknown as Cutplan;
    await store.create({ runId: 'r-bad', mode: 'DRYRUN', initiator: 'carol', planHash: null, plan: bad, snapshotVersion: 1 });
    const restore = () => restoreRun({ runId: 'r-bad', store, approvals: policy });
    await expect(restore()).rejects.toMatchObject({ code: 'E_PLAN_INVALID', issues: [expect.objectContaining({ row: 0, field: 'body' })] });
    // Refused again for the same reason, not E_RUN_BUSY: the first attempt gave its hold back.
    await expect(restore()).rejects.toMatchObject({ code: 'E_PLAN_INVALID' });
    expect(await store.journal('r-bad')).toEqual([]);
  });
});
