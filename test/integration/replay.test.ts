/**
 * `replayJournal` / `replayStoredRun`: a stored run's journal, replayed with pure transitions, arrives where the
 * stored snapshot is, step by step, without touching an executor or writing to the store (whose write methods throw
 * here, and whose read-only form the database itself refuses to write through).
 */
import { describe, expect, it, vi } from 'vitest';
import { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import { snapshotBackupRunner } from '../../src/postgres/backups/snapshot-runner.js';
import { PostgresLiveExecutionAdapter } from '../../src/postgres/postgres-adapter.js';
import { PostgresRunStore } from '../../src/postgres/run-store.js';
import { ReplayDiverged } from '../../src/replay/errors.js';
import { replayJournal, type ReplayStep } from '../../src/replay/replay-journal.js';
import { assertReplayMatches, replayStoredRun, type RunReader } from '../../src/replay/replay-stored-run.js';
import { createDurableRun, restoreRun } from '../../src/runs/durable-run.js';
import { MemoryRunStore } from '../../src/runs/memory-run-store.js';
import type { RunStore } from '../../src/runs/run-store.js';
import { FakeLiveAdapter } from '../support/executors.js';
import { approvalFor, policy, samplePlan } from '../support/fixtures.js';
import { onDurableTarget } from '../support/durable-target.js';
import { TARGET_KINDS, type Target } from '../support/targets.js';

/** The store as replay may see it: reads pass through, any write throws. */
function readsOnly(store: RunStore): RunReader & RunStore {
  const refuse = () => { throw new Error('replay wrote to the run store'); };
  return { load: (id) => store.load(id), journal: (id) => store.journal(id), list: () => store.list(), create: refuse, saveSnapshot: refuse, appendJournal: refuse, migrate: refuse };
}

const timeline = (steps: readonly ReplayStep[]) => steps.map((s) => `${s.event}: ${s.before ?? '·'} → ${s.after}`);

const EXECUTOR_METHODS = ['precheck', 'preWriteBackup', 'cutLegA', 'legBRecord', 'verifyResultCountFor', 'writeVerify', 'lifecycleEnact', 'compensateChangeSet'] as const;

describe.each(TARGET_KINDS)('replay of stored runs on %s', (kind) => {
  let target: Target;
  let store: PostgresRunStore;
  const killSwitch = new InMemoryKillSwitch(true);
  const freshAdapter = () => new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: target.provider, backupRunner: snapshotBackupRunner });

  onDurableTarget(kind, killSwitch, (opened, runs) => { target = opened; store = runs; });

  it('a completed LIVE run replays step by step to its stored state and context, touching no executor', async () => {
    const adapter = freshAdapter();
    const run = await createDurableRun({ store, mode: 'LIVE', plan: samplePlan(3), initiator: 'carol', approvals: policy, executor: adapter, killSwitch });
    run.start();
    run.approve(approvalFor(await run.settled(), 'SG_1'));
    run.approve(approvalFor(await run.settled(), 'SG_2', 'bob'));
    expect((await run.settled()).output?.status).toBe('completed');
    const spies = EXECUTOR_METHODS.map((method) => vi.spyOn(adapter, method));

    const replay = await replayStoredRun(readsOnly(store), run.id);

    expect(timeline(replay.steps)).toEqual([
      'xstate.init: · → idle',
      'START: idle → precheck',
      'xstate.done.actor.precheck: precheck → planning',
      'xstate.done.actor.planning: planning → awaitingCutApproval',
      'APPROVE: awaitingCutApproval → backingUp',
      'xstate.done.actor.backup: backingUp → cutting',
      'xstate.done.actor.cut: cutting → recordingLedger',
      'xstate.done.actor.ledger: recordingLedger → verifying',
      'xstate.done.actor.verify: verifying → awaitingEnactApproval',
      'APPROVE: awaitingEnactApproval → enacting',
      'xstate.done.actor.enact: enacting → completed',
    ]);
    expect(replay.matches).toEqual({ state: true, context: true, migrations: true });
    expect(replay.replayed.output?.status).toBe('completed');
    expect(replay.replayed.context.committed).toEqual(['cut', 'ledger', 'enact']);
    expect(() => { assertReplayMatches(replay); }).not.toThrow();
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  }, 60_000);

  it('reads no plan: a reader whose load refuses replays through find, and matches', async () => {
    const run = await createDurableRun({ store, mode: 'LIVE', plan: samplePlan(2), initiator: 'carol', approvals: policy, executor: freshAdapter(), killSwitch });
    run.start();
    expect((await run.settled()).gate).toBe('SG_1');
    run.stop();
    const reader: RunReader = {
      find: (id) => store.find(id),
      journal: (id) => store.journal(id),
      load: () => Promise.reject(new Error('replay read the plan')),
    };
    const replay = await replayStoredRun(reader, run.id);
    expect(replay.matches).toEqual({ state: true, context: true, migrations: true });
    expect(replay.stored.state).toBe('awaitingCutApproval');
  }, 60_000);

  it('a run refused at SG_1 and then approved: the refusal is shown on its step, does not transition, and its reason is kept', async () => {
    const run = await createDurableRun({ store, mode: 'LIVE', plan: samplePlan(2), initiator: 'carol', approvals: policy, executor: freshAdapter(), killSwitch });
    run.start();
    const atCut = await run.settled();
    expect(run.approve(approvalFor(atCut, 'SG_1', 'carol')).accepted).toBe(false);
    expect(run.approve(approvalFor(atCut, 'SG_1', 'alice')).accepted).toBe(true);
    expect((await run.settled()).gate).toBe('SG_2');

    // Through the read-only store: every read is a READ ONLY transaction.
    const readOnly = PostgresRunStore.readOnly((work) => target.admin(work));
    const replay = await replayStoredRun(readOnly, run.id);
    const approvals = replay.steps.filter((s) => s.event === 'APPROVE');
    expect(approvals.map((s) => `${s.before} → ${s.after}`)).toEqual(['awaitingCutApproval → awaitingCutApproval', 'awaitingCutApproval → backingUp']);
    expect(approvals[0]?.refusals).toEqual([{ gate: 'SG_1', code: 'E_APPROVAL_INVALID', reason: expect.stringContaining('carol') }]);
    expect(approvals[1]?.refusals).toEqual([]);
    expect(replay.steps.map((s) => s.event)).not.toContain('cutter.refused');
    expect(replay.replayed.state).toBe('awaitingEnactApproval');
    expect(replay.matches).toEqual({ state: true, context: true, migrations: true });
    await expect(readOnly.appendJournal(run.id, [{ seq: 999, at: new Date().toISOString(), event: { type: 'X' } }])).rejects.toThrow(/read-only/);
  }, 60_000);

  it('a LIVE approval refused by the kill switch replays to the same gate, with the lock named', async () => {
    const run = await createDurableRun({ store, mode: 'LIVE', plan: samplePlan(2), initiator: 'carol', approvals: policy, executor: freshAdapter(), killSwitch });
    run.start();
    const atCut = await run.settled();
    killSwitch.turnOff();
    run.approve(approvalFor(atCut, 'SG_1'));
    expect(await run.settled()).toMatchObject({ state: 'awaitingCutApproval', context: { approvals: {} } });

    const replay = await replayStoredRun(readsOnly(store), run.id);
    const approve = replay.steps.find((s) => s.event === 'APPROVE');
    expect(approve).toMatchObject({ before: 'awaitingCutApproval', after: 'awaitingCutApproval', refusals: [{ gate: 'kill-switch', code: 'E_KILL_SWITCH_OFF' }] });
    expect(replay.matches).toEqual({ state: true, context: true, migrations: true });
  }, 60_000);

  it('a run restored by another Run object shows the restore and replays across it', async () => {
    const first = await createDurableRun({ store, mode: 'DRYRUN', plan: samplePlan(2), initiator: 'carol', approvals: policy, killSwitch });
    first.start();
    first.approve(approvalFor(await first.settled(), 'SG_1'));
    await first.settled();
    await first.release();
    const second = await restoreRun({ store, runId: first.id, approvals: policy, killSwitch });
    second.approve(approvalFor(second.view(), 'SG_2', 'bob'));
    expect((await second.settled()).output?.status).toBe('completed');

    const replay = await replayStoredRun(readsOnly(store), first.id);
    const restore = replay.steps.find((s) => s.kind === 'restore');
    expect(restore).toMatchObject({ event: 'cutter.restored', before: 'awaitingEnactApproval', after: 'awaitingEnactApproval' });
    expect(replay.steps.at(-1)?.after).toBe('completed');
    expect(replay.matches).toEqual({ state: true, context: true, migrations: true });
  }, 60_000);

  it('a stored snapshot the journal does not lead to is a divergence (E_REPLAY_DIVERGED), for the state and for the context', async () => {
    const run = await createDurableRun({ store, mode: 'DRYRUN', plan: samplePlan(2), initiator: 'carol', approvals: policy, killSwitch });
    run.start();
    await run.settled();
    const loaded = await store.load(run.id);
    const snapshot = loaded?.snapshot as { value: unknown; context: { initiator: string } };

    await store.saveSnapshot(run.id, { ...snapshot, value: 'awaitingEnactApproval' }, 'awaitingEnactApproval', 'active');
    const moved = await replayStoredRun(readsOnly(store), run.id);
    expect(moved.matches.state).toBe(false);
    expect(() => { assertReplayMatches(moved); }).toThrow(ReplayDiverged);
    expect(() => { assertReplayMatches(moved); }).toThrow(/replays to awaitingCutApproval \[active\], the stored snapshot is at awaitingEnactApproval/);

    await store.saveSnapshot(run.id, { ...snapshot, context: { ...snapshot.context, initiator: 'mallory' } }, 'awaitingCutApproval', 'active');
    const edited = await replayStoredRun(readsOnly(store), run.id);
    expect(edited.matches).toEqual({ state: true, context: false, migrations: true });
    expect(() => { assertReplayMatches(edited); }).toThrow(/context differs in: initiator/);
  }, 60_000);
});

describe('replayJournal', () => {
  it('a phase error is replayed with its recorded code and message: a torn run arrives at SG_3 with the same error', async () => {
    const store = new MemoryRunStore();
    const killSwitch = new InMemoryKillSwitch(true);
    const executor = new FakeLiveAdapter(killSwitch, { failOn: { writeVerify: Object.assign(new Error('read back failed'), { code: 'E_STOP_INVARIANT' }) } });
    const run = await createDurableRun({ store, mode: 'LIVE', plan: samplePlan(2), initiator: 'carol', approvals: policy, executor, killSwitch });
    run.start();
    run.approve(approvalFor(await run.settled(), 'SG_1'));
    const torn = await run.settled();
    expect(torn.state).toBe('torn.awaitingCompensationApproval');

    const steps = replayJournal(await store.journal(run.id));
    expect(steps.at(-1)).toMatchObject({ event: 'xstate.error.actor.verify', before: 'verifying', after: 'torn.awaitingCompensationApproval' });
    expect(steps.at(-1)?.view.context.error).toEqual(torn.context.error);
    expect(steps.at(-1)?.view.context).toEqual(torn.context);
  });

  it('a journal without its xstate.init cannot be replayed', () => {
    expect(() => replayJournal([{ seq: 1, at: '2026-01-01T00:00:00.000Z', event: { type: 'START' } }])).toThrow(ReplayDiverged);
  });
});
