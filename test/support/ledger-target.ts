import { pinChangeSet } from '../../src/domain/change-set.js';
import { Mode } from '../../src/domain/mode.js';
import { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import { applyMigrations } from '../../src/postgres/migrations/index.js';
import { openTarget } from '../../src/postgres/open-target.js';
import { PostgresLiveExecutionAdapter } from '../../src/postgres/postgres-adapter.js';
import { setDatabaseKillSwitch } from '../../src/postgres/sql/kill-switch.js';
import { samplePlan } from './fixtures.js';

/**
 * An embedded target in `dataDir` whose ledger holds three change-set records, written by the real adapter for runs
 * `run-1` to `run-3` (each with its Leg B phase record), for the ledger's tamper tests.
 */
export async function embeddedLedgerOfThree(dataDir: string): Promise<void> {
  const target = await openTarget({ kind: 'embedded', dataDir });
  try {
    await target.admin(async (s) => { await applyMigrations(s); await setDatabaseKillSwitch(s, true, 'test', 'setup'); });
    const adapter = new PostgresLiveExecutionAdapter({ killSwitch: new InMemoryKillSwitch(true), connectionProvider: target.provider });
    for (const runId of ['run-1', 'run-2', 'run-3']) {
      const plan = samplePlan(2, `ledger/${runId}`);
      const ctx = { runId, mode: Mode.Live, changeSet: pinChangeSet(plan, runId) };
      await adapter.cutLegA(ctx, plan.rows);
      await adapter.legBRecord(ctx);
      await adapter.releaseTarget(ctx);
    }
  } finally {
    await target.close();
  }
}
