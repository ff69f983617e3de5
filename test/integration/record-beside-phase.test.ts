/**
 * Record before effect, with the record written beside the phase (I9): the Postgres adapter starts a phase while the
 * run store is still writing the record of its start, and commits it only once that record is written; a record
 * that fails rolls the whole phase back. On PGlite (one connection) the two take turns, and never wait for each other.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pinChangeSet } from '../../src/domain/change-set.js';
import { Mode } from '../../src/domain/mode.js';
import { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import { snapshotBackupRunner } from '../../src/postgres/backups/snapshot-runner.js';
import type { ConnectionProvider, DbSession } from '../../src/postgres/port.js';
import { PostgresLiveExecutionAdapter } from '../../src/postgres/postgres-adapter.js';
import { PostgresRunStore } from '../../src/postgres/run-store.js';
import { createDurableRun } from '../../src/runs/durable-run.js';
import { RunBusy } from '../../src/runs/errors.js';
import { approvalFor, policy, samplePlan } from '../support/fixtures.js';
import { countRows, openTarget, TARGET_KINDS, type Target } from '../support/targets.js';

const PHASE_RECORD = /cutter\.fn_record_(exec|verify)_phase\(/;
/** The state the run is stored in while each phase runs. */
const STATE_OF_PHASE: Record<string, string> = {
  preWriteBackup: 'backingUp', cutLegA: 'cutting', legBRecord: 'recordingLedger', writeVerify: 'verifying', lifecycleEnact: 'enacting',
};

describe.each(TARGET_KINDS)('a phase and the record of its start, on %s', (kind) => {
  let target: Target;
  const killSwitch = new InMemoryKillSwitch(true);
  /** What happened, in order: `stored <state>` when a store write of that state is done, `begin`/`commit <phase>` for a phase. */
  const events: string[] = [];
  const watchedProvider: ConnectionProvider = async (role) => {
    const session = await target.provider(role);
    let phase: string | null = null;
    let began = false;
    return {
      ...session,
      async query<R>(text: string, params?: readonly unknown[]) {
        if (PHASE_RECORD.test(text)) phase = String(params?.[1]);
        if (text === 'COMMIT' && phase !== null) events.push(`commit ${phase}`);
        const result = await session.query<R>(text, params);
        // A phase's first statement after BEGIN reads the kill switch: the phase has started.
        if (!began && text.includes('fn_kill_switch_enabled')) { began = true; events.push('begin'); }
        return result;
      },
    };
  };
  /** A store whose writes of a phase's state take a while once they have their session. */
  const slowStore = () => new PostgresRunStore((work) => target.admin((s) => work({
    ...s,
    async query<R>(text: string, params?: readonly unknown[]) {
      const state = /state = \$(\d+)::text/.exec(text);
      const stored = state === null ? undefined : String(params?.[Number(state[1]) - 1]);
      if (stored !== undefined && Object.values(STATE_OF_PHASE).includes(stored)) await new Promise((resolve) => setTimeout(resolve, 150));
      const result = await s.query<R>(text, params);
      if (stored !== undefined) events.push(`stored ${stored}`);
      return result;
    },
  } satisfies DbSession)));
  const adapter = () => new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: watchedProvider, backupRunner: snapshotBackupRunner });

  beforeAll(async () => { target = await openTarget(kind); }, 60_000);
  afterAll(async () => { await target.close(); });
  beforeEach(async () => {
    await target.reset();
    events.length = 0;
  });

  it('each phase commits only after the record of its start is written; on PostgreSQL it starts before that record is done', async () => {
    const run = await createDurableRun({ store: slowStore(), mode: 'LIVE', plan: samplePlan(3), initiator: 'carol', approvals: policy, executor: adapter(), killSwitch });
    run.start();
    run.approve(approvalFor(await run.settled(), 'SG_1'));
    run.approve(approvalFor(await run.settled(), 'SG_2', 'bob'));
    expect((await run.done()).status).toBe('completed');
    await run.release();
    for (const [phase, state] of Object.entries(STATE_OF_PHASE)) {
      const stored = events.indexOf(`stored ${state}`);
      const committed = events.indexOf(`commit ${phase}`);
      expect(stored, `${state} stored`).toBeGreaterThanOrEqual(0);
      expect(committed, `${phase} committed after ${state} was stored: ${events.join(', ')}`).toBeGreaterThan(stored);
      // The phase's start (its kill switch read) is the last `begin` before its commit.
      const began = events.lastIndexOf('begin', committed);
      if (kind === 'postgres') expect(began, `${phase} began beside the record: ${events.join(', ')}`).toBeLessThan(stored);
      else expect(began, `${phase} took its turn after the record: ${events.join(', ')}`).toBeGreaterThan(stored);
    }
  }, 60_000);

  it('a phase whose record failed rolls back whole, and fails with the record\'s error', async () => {
    const plan = samplePlan(3);
    const recorded = Promise.reject(new RunBusy('run-r', null, 'run run-r is no longer held by this process: its writes are refused'));
    recorded.catch(() => undefined);
    const ctx = { runId: 'run-r', mode: Mode.Live, changeSet: pinChangeSet(plan, 'run-r'), recorded };
    await expect(adapter().cutLegA(ctx, plan.rows)).rejects.toMatchObject({ code: 'E_RUN_BUSY' });
    expect(await countRows(target, 'iu_versions')).toBe(0);
    expect(await countRows(target, 'phase_records')).toBe(0);
    expect(await countRows(target, 'change_sets')).toBe(0);
  });
});
