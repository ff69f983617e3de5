/**
 * The Postgres run store keeps a run's plan as rows (migration 6), loaded by COPY: a plan with every awkward byte
 * comes back equal, and a run stored before migration 6 (its plan one jsonb value in run_plans) still loads.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { validateCutplan } from '../../src/domain/cutplan.js';
import { Mode } from '../../src/domain/mode.js';
import { PostgresRunStore } from '../../src/postgres/run-store.js';
import { countRows, openTarget, TARGET_KINDS, type Target } from '../support/targets.js';

describe.each(TARGET_KINDS)('run store plans on %s', (kind) => {
  let target: Target;
  beforeAll(async () => { target = await openTarget(kind); }, 60_000);
  afterAll(async () => { await target.close(); });
  beforeEach(() => target.reset());

  const plan = validateCutplan([
    { address: 'handbook/b', title: 'Tab\there', body: 'Line\nbreak, \\ backslash, \\N not null, 🚀', source: 'docs/b.md' },
    { address: 'handbook/a', title: 'A', body: 'Alpha\r\n' },
  ]);

  it('stores the plan as rows and loads it back equal, in plan order', async () => {
    const store = new PostgresRunStore((work) => target.admin(work));
    await store.create({ runId: 'run-rows', mode: Mode.Live, initiator: 'carol', planHash: 'h', plan, snapshotVersion: 1 });
    expect(await countRows(target, 'run_plan_rows', 'run_id = $1', ['run-rows'])).toBe(2);
    expect((await store.load('run-rows'))?.plan).toEqual(plan);
  });

  it('finds a run and its snapshot without its plan', async () => {
    const store = new PostgresRunStore((work) => target.admin(work));
    await store.create({ runId: 'run-find', mode: Mode.Live, initiator: 'carol', planHash: 'h', plan, snapshotVersion: 1 });
    await store.saveSnapshot('run-find', { value: 'idle' }, 'idle', 'active');
    const found = await store.find('run-find');
    expect(found).toEqual({ run: expect.objectContaining({ runId: 'run-find', planHash: 'h', state: 'idle' }), snapshot: { value: 'idle' } });
    expect(found).not.toHaveProperty('plan');
    expect(await store.find('run-none')).toBeNull();
  });

  it('loads a run stored before migration 6 from its jsonb plan', async () => {
    await target.admin(async (s) => {
      await s.query("INSERT INTO cutter.runs (run_id, mode, initiator, plan_hash, state, status, snapshot_version) VALUES ('run-old', 'LIVE', 'carol', 'h', 'idle', 'active', 1)");
      await s.query("INSERT INTO cutter.run_plans (run_id, rows) VALUES ('run-old', $1::jsonb)", [JSON.stringify(plan.rows)]);
    });
    expect((await new PostgresRunStore((work) => target.admin(work)).load('run-old'))?.plan).toEqual(plan);
  });
});
