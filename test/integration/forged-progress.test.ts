/**
 * Issue 15, progress cannot be forged. The attack: while a LIVE run waits at SG_1, records of its backup and its Leg B
 * are inserted, then the run is approved. As either phase role the inserts are denied (by the grants, and by the
 * recording function, which asks the database whether the record is true). As the schema owner they land, and the
 * run, restored in a new store and adapter as a new process would, stops with E_PHASE_RECORD_FORGED: no phase is
 * skipped and nothing is reported that did not happen.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import { DbRole } from '../../src/postgres/port.js';
import { PostgresRunStore } from '../../src/postgres/run-store.js';
import { createDurableRun, restoreRun } from '../../src/runs/durable-run.js';
import { approvalFor, policy, samplePlan } from '../support/fixtures.js';
import { adapterFor } from '../support/run-fixtures/scenarios.js';
import { countRows, openTarget, TARGET_KINDS, type Target } from '../support/targets.js';

const FORGED_BACKUP = { backupId: 'backup-forged', location: 'nowhere', sha256: 'f'.repeat(64), bytes: 0, verified: true, takenAt: '2026-12-05T00:00:00.000Z', simulated: false };
const FORGED_LEG_B = (changeSetId: string) => ({ changeSetId, ledgerEntryId: '999', recordHash: 'e'.repeat(64), simulated: false });

describe.each(TARGET_KINDS)('forged progress on %s', (kind) => {
  let target: Target;
  let store: PostgresRunStore;

  beforeAll(async () => {
    target = await openTarget(kind);
    store = new PostgresRunStore((work) => target.admin(work));
  }, 60_000);
  beforeEach(() => target.reset());
  afterAll(() => target.close());

  /** A LIVE run parked at SG_1, let go by the process that made it. */
  async function parkedAtCut(prefix: string) {
    const killSwitch = new InMemoryKillSwitch(true);
    const run = await createDurableRun({ store, mode: 'LIVE', plan: samplePlan(3, prefix), initiator: 'carol', approvals: policy, executor: adapterFor(target, killSwitch), killSwitch });
    run.start();
    const view = await run.settled();
    expect(view.gate).toBe('SG_1');
    await run.release();
    return { runId: view.context.runId, changeSetId: view.context.changeSet?.changeSetId ?? '' };
  }

  /** Inserts a phase record as `who`: a phase role (by SET ROLE on its own session) or the schema owner. */
  async function insertRecord(who: DbRole | 'owner', runId: string, phase: string, changeSetId: string, result: unknown): Promise<string | null> {
    const work = async (session: Awaited<ReturnType<Target['provider']>>) => {
      try {
        await session.query('INSERT INTO cutter.phase_records (run_id, phase, change_set_id, result) VALUES ($1, $2, $3, $4::jsonb)', [runId, phase, changeSetId, JSON.stringify(result)]);
        return null;
      } catch (error) {
        return (error as { code?: string }).code ?? 'no-sqlstate';
      }
    };
    if (who === 'owner') return target.admin(work);
    const session = await target.provider(who);
    try {
      return await work(session);
    } finally {
      await session.release();
    }
  }

  it.each([DbRole.Exec, DbRole.Verify])('as %s, a forged record is denied, by INSERT and through the recording function', async (role) => {
    const { runId, changeSetId } = await parkedAtCut(`forged/${role}`);
    expect(await insertRecord(role, runId, 'preWriteBackup', changeSetId, FORGED_BACKUP)).toBe('42501');
    expect(await insertRecord(role, runId, 'legBRecord', changeSetId, FORGED_LEG_B(changeSetId))).toBe('42501');
    const session = await target.provider(role);
    try {
      const fn = role === DbRole.Exec ? 'cutter.fn_record_exec_phase' : 'cutter.fn_record_verify_phase';
      await expect(session.query(`SELECT ${fn}($1, 'preWriteBackup', $2, $3::jsonb)`, [runId, changeSetId, JSON.stringify(FORGED_BACKUP)]))
        .rejects.toMatchObject({ code: role === DbRole.Exec ? 'CR002' : '42501' });
    } finally {
      await session.release(true);
    }
    expect(await countRows(target, 'phase_records')).toBe(0);
  });

  it('as the schema owner, forged backup and Leg B records stop the approved run: nothing is skipped, written or reported', async () => {
    const { runId, changeSetId } = await parkedAtCut('forged/owner');
    expect(await insertRecord('owner', runId, 'preWriteBackup', changeSetId, FORGED_BACKUP)).toBeNull();
    expect(await insertRecord('owner', runId, 'legBRecord', changeSetId, FORGED_LEG_B(changeSetId))).toBeNull();

    const killSwitch = new InMemoryKillSwitch(true);
    const run = await restoreRun({ store: new PostgresRunStore((work) => target.admin(work)), runId, approvals: policy, executor: adapterFor(target, killSwitch), killSwitch });
    run.approve(approvalFor(run.view(), 'SG_1'));
    const view = await run.settled();
    await run.release();

    expect(view.status).toBe('done');
    expect(view.output).toMatchObject({ status: 'failed', committed: [], error: { code: 'E_PHASE_RECORD_FORGED', phase: 'preWriteBackup' } });
    expect(view.output?.error?.message).toMatch(/no verified backup backup-forged/);
    expect(view.context.results.backup).toBeUndefined();
    expect(view.context.results.ledger).toBeUndefined();
    for (const table of ['iu_versions', 'ledger', 'backups', 'change_sets']) expect(await countRows(target, table), table).toBe(0);
  }, 60_000);
});
