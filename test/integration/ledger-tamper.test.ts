/**
 * I11: the ledger is append-only and hash-chained. The phase roles cannot change it, the trigger refuses even the
 * owner, and an edit made around both (replication role, as a superuser could) is found by `cutter ledger verify`,
 * which names the first bad record.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { main } from '../../src/cli/main.js';
import { pinChangeSet } from '../../src/domain/change-set.js';
import { Mode } from '../../src/domain/mode.js';
import { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import { openTarget } from '../../src/postgres/open-target.js';
import { PostgresLiveExecutionAdapter } from '../../src/postgres/postgres-adapter.js';
import { applyMigrations } from '../../src/postgres/migrations/index.js';
import { setDatabaseKillSwitch } from '../../src/postgres/sql/kill-switch.js';
import { captureTerminal } from '../support/capture-terminal.js';
import { samplePlan } from '../support/fixtures.js';

describe('ledger tampering (embedded database)', () => {
  let dataDir = '';
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cutter-ledger-'));
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
  }, 60_000);
  afterAll(async () => { await rm(dataDir, { recursive: true, force: true }); });

  const verify = async () => {
    const terminal = captureTerminal();
    const code = await main(['ledger', 'verify', '--data-dir', dataDir, '--json'], terminal);
    return { code, result: JSON.parse(terminal.out.join('\n')) as { ok: boolean; seq?: number; records?: number } };
  };

  it('an intact chain verifies', async () => {
    expect(await verify()).toEqual({ code: ExitCode.Ok, result: expect.objectContaining({ ok: true, records: 3 }) });
  });

  it('the phase role cannot update or delete, and the owner is refused by the trigger', async () => {
    const target = await openTarget({ kind: 'embedded', dataDir });
    try {
      const exec = await target.provider('cutter_exec');
      await expect(exec.query("UPDATE cutter.ledger SET payload = '{}' WHERE seq = 2")).rejects.toMatchObject({ code: '42501' });
      await expect(exec.query('DELETE FROM cutter.ledger WHERE seq = 2')).rejects.toMatchObject({ code: '42501' });
      await exec.release();
      await target.admin(async (s) => {
        await expect(s.query("UPDATE cutter.ledger SET payload = '{}' WHERE seq = 2")).rejects.toThrow(/append-only/);
      });
    } finally {
      await target.close();
    }
  });

  it('an edit made around the trigger is found, naming the first bad record', async () => {
    const target = await openTarget({ kind: 'embedded', dataDir });
    try {
      await target.admin(async (s) => {
        await s.exec(`SET session_replication_role = replica;
          UPDATE cutter.ledger SET payload = jsonb_set(payload, '{rowCount}', '999') WHERE seq = 2;
          SET session_replication_role = origin;`);
      });
    } finally {
      await target.close();
    }
    expect(await verify()).toEqual({ code: ExitCode.IntegrityFailure, result: expect.objectContaining({ ok: false, seq: 2 }) });
  });
});
