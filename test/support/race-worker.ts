/**
 * A separate process for the target-lock race: opens the PostgreSQL target named in argv, waits until the given
 * start time, tries to cut one IU as its own run, and prints the outcome as one JSON line.
 */
import { pinChangeSet } from '../../src/domain/change-set.js';
import { validateCutplan } from '../../src/domain/cutplan.js';
import { Mode } from '../../src/domain/mode.js';
import { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import { openTarget } from '../../src/postgres/open-target.js';
import { PostgresLiveExecutionAdapter } from '../../src/postgres/postgres-adapter.js';

const [dsn = '', runId = '', startAt = '0'] = process.argv.slice(2);
const target = await openTarget({ kind: 'postgres', dsn });
try {
  const adapter = new PostgresLiveExecutionAdapter({ killSwitch: new InMemoryKillSwitch(true), connectionProvider: target.provider });
  const plan = validateCutplan([{ address: `race/${runId}`, title: runId, body: `written by ${runId}` }]);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
  try {
    await adapter.cutLegA({ runId, mode: Mode.Live, changeSet: pinChangeSet(plan, runId) }, plan.rows);
    process.stdout.write(`${JSON.stringify({ runId, ok: true })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ runId, ok: false, code: (error as { code?: string }).code })}\n`);
  }
} finally {
  await target.close();
}
