/**
 * The actor's AbortSignal cancels the statement a phase is running (PostgreSQL: pg_cancel_backend from a second
 * connection; PGlite cannot interrupt a statement). The phase then rolls back like any failure.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pinChangeSet } from '../../src/domain/change-set.js';
import { Mode } from '../../src/domain/mode.js';
import { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import type { ConnectionProvider } from '../../src/postgres/port.js';
import { PostgresLiveExecutionAdapter } from '../../src/postgres/postgres-adapter.js';
import { samplePlan } from '../support/fixtures.js';
import { countRows, openTarget, TARGET_KINDS, type Target } from '../support/targets.js';

// Needs a PostgreSQL server (CUTTER_TEST_DATABASE_URL); skipped only without one. CI sets CUTTER_REQUIRE_POSTGRES=1,
// and then test/support/targets.ts fails the suite if the URL is missing, so this tier never skips there.
describe.runIf(TARGET_KINDS.includes('postgres'))('aborting a phase on postgres', () => {
  let target: Target;
  beforeAll(async () => { target = await openTarget('postgres'); }, 60_000);
  afterAll(async () => { await target.close(); });
  beforeEach(() => target.reset());

  it('cancels the running statement, rolls the phase back, and leaves the pool usable', async () => {
    // Every statement on the cut's staging table first sleeps for 30 s: only a cancel ends it in time.
    const slow: ConnectionProvider = async (role) => {
      const session = await target.provider(role);
      return { ...session, query: async (text, params) => {
        if (text.includes('cutter_iu_stage')) await session.query('SELECT pg_sleep(30)');
        return session.query(text, params);
      } };
    };
    const killSwitch = new InMemoryKillSwitch(true);
    const adapter = new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: slow });
    const plan = samplePlan(3);
    const controller = new AbortController();
    const ctx = { runId: 'run-abort', mode: Mode.Live, changeSet: pinChangeSet(plan, 'run-abort'), signal: controller.signal };
    const started = Date.now();
    setTimeout(() => { controller.abort(); }, 300);
    await expect(adapter.cutLegA(ctx, plan.rows)).rejects.toMatchObject({ code: '57014' });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await countRows(target, 'iu_versions')).toBe(0);
    expect(await countRows(target, 'change_sets')).toBe(0);

    const normal = new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: target.provider });
    await normal.cutLegA({ ...ctx, signal: new AbortController().signal }, plan.rows);
    expect(await countRows(target, 'iu_versions')).toBe(3);
  }, 30_000);
});
