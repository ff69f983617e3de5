/**
 * The model's LIVE paths replayed against the real Postgres adapter, on PGlite and (with CUTTER_TEST_DATABASE_URL)
 * on PostgreSQL. After every settle point the database must agree with the run: the change set's live rows, ledger
 * records and enacted versions exist exactly when the run says the phase committed, and each phase is recorded once.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import { PostgresLiveExecutionAdapter } from '../../src/postgres/postgres-adapter.js';
import { setDatabaseKillSwitch } from '../../src/postgres/sql/kill-switch.js';
import { createRun } from '../../src/runner/create-run.js';
import type { RunView } from '../../src/runner/run-view.js';
import { samplePlan } from '../support/fixtures.js';
import { countRows, openTarget, TARGET_KINDS, type Target } from '../support/targets.js';
import { drivePath, label, modelPolicy, planningFails, startsWithoutExecutor } from './drive-path.js';
import { outcomesOf, pathsCoveringEveryEdge } from './run-model.js';
import { ScriptedDatabase } from './scripted-database.js';

/**
 * Paths that wait on the approval policy (an approval collected while the policy is not met, a gate checked again, a
 * re-bind) differ from the others only at a gate, where nothing touches the database; every-path.test.ts walks them
 * on the real runner. Here they would double the paths without one more database state to check.
 */
const waitsOnPolicy = (p: ReturnType<typeof pathsCoveringEveryEdge>[number]) =>
  p.steps.some((s) => s.event.type === 'BIND_POLICY' || s.event.model?.open === false);
const paths = pathsCoveringEveryEdge('LIVE').filter((p) => !startsWithoutExecutor(p) && !waitsOnPolicy(p));

describe.each(TARGET_KINDS)('every LIVE path of the statechart, against %s', (kind) => {
  let target: Target;
  beforeAll(async () => { target = await openTarget(kind); }, 60_000);
  afterAll(async () => { await target.close(); });
  beforeEach(() => target.reset());

  /** The database must say what the run says. */
  async function agrees(view: RunView): Promise<void> {
    const cs = view.context.changeSet?.changeSetId;
    if (cs === undefined) {
      expect(await countRows(target, 'iu_versions')).toBe(0);
      return;
    }
    const compensated = view.state === 'compensated';
    const committed = new Set(view.context.committed);
    const where = `change_set_id = '${cs}'`;
    expect(await countRows(target, 'iu_versions', `${where} AND status IN ('draft', 'enacted')`), 'live rows').toBe(committed.has('cut') && !compensated ? 3 : 0);
    expect(await countRows(target, 'iu_versions', `${where} AND status = 'enacted'`), 'enacted rows').toBe(committed.has('enact') && !compensated ? 3 : 0);
    expect(await countRows(target, 'ledger', `kind = 'change-set' AND ${where}`), 'ledger records').toBe(committed.has('ledger') ? 1 : 0);
    expect(await countRows(target, 'ledger', `kind = 'revert' AND ${where}`), 'revert records').toBe(compensated ? 1 : 0);
    const duplicates = await target.admin(async (s) => (await s.query('SELECT phase FROM cutter.phase_records GROUP BY run_id, phase HAVING count(*) > 1')).rows);
    expect(duplicates).toEqual([]);
  }

  it.each(paths.map((p, i) => [i, label(p), p] as const))('path %i: %s', async (_, __, path) => {
    const killSwitch = new InMemoryKillSwitch(true);
    const scripted = new ScriptedDatabase(outcomesOf(path), killSwitch);
    const adapter = new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: scripted.provider(target.provider), backupRunner: scripted.backupRunner, attempts: 1 });
    const run = createRun({
      mode: 'LIVE', plan: samplePlan(3), initiator: 'carol', approvals: modelPolicy, killSwitch, executor: adapter,
      ...(planningFails(path) ? { expectedPlanHash: '0'.repeat(64) } : {}),
    });
    await drivePath(path, run, 'LIVE', {
      setSwitch: async (on) => {
        if (on) killSwitch.turnOn();
        else killSwitch.turnOff();
        await target.admin((s) => setDatabaseKillSwitch(s, on, 'model', 'path flag'));
      },
      readSwitch: () => killSwitch.executionEnabled(),
      afterSettle: agrees,
    });
  }, 30_000);
});
