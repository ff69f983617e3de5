/**
 * Durable runs: a run stored in the target database parks at a gate, and another Run object (as another process
 * would) restores it, takes the approval, and finishes, with every IU written once. I6 across processes, I9 for
 * restores between and during phases.
 */
import { describe, expect, it } from 'vitest';
import { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import { snapshotBackupRunner } from '../../src/postgres/backups/snapshot-runner.js';
import { PostgresLiveExecutionAdapter } from '../../src/postgres/postgres-adapter.js';
import type { DbSession } from '../../src/postgres/port.js';
import { PostgresRunStore } from '../../src/postgres/run-store.js';
import { createDurableRun, restoreRun } from '../../src/runs/durable-run.js';
import { approvalFor, policy, samplePlan } from '../support/fixtures.js';
import { onDurableTarget } from '../support/durable-target.js';
import { countRows, TARGET_KINDS, type Target } from '../support/targets.js';

describe.each(TARGET_KINDS)('durable runs on %s', (kind) => {
  let target: Target;
  let store: PostgresRunStore;
  const killSwitch = new InMemoryKillSwitch(true);
  const freshAdapter = () => new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: target.provider, backupRunner: snapshotBackupRunner });

  onDurableTarget(kind, killSwitch, (opened, runs) => { target = opened; store = runs; });

  it('a LIVE run parked at SG_2 is restored elsewhere, approved there, and completes with each IU written once', async () => {
    const first = await createDurableRun({ store, mode: 'LIVE', plan: samplePlan(4), initiator: 'carol', approvals: policy, executor: freshAdapter(), killSwitch });
    first.start();
    const atCut = await first.settled();
    first.approve(approvalFor(atCut, 'SG_1'));
    const atEnact = await first.settled();
    expect(atEnact.gate).toBe('SG_2');
    await first.release();

    const second = await restoreRun({ store, runId: first.id, approvals: policy, executor: freshAdapter(), killSwitch });
    expect(second.view()).toMatchObject({ state: 'awaitingEnactApproval', gate: 'SG_2' });
    expect(second.approve(approvalFor(second.view(), 'SG_2', 'bob'))).toEqual({ accepted: true });
    expect((await second.settled()).output?.status).toBe('completed');

    expect(await countRows(target, 'iu_versions')).toBe(4);
    expect(await countRows(target, 'iu_versions', "status = 'enacted'")).toBe(4);
    expect(await countRows(target, 'ledger')).toBe(1);
    const stored = (await store.list()).find((r) => r.runId === first.id);
    expect(stored).toMatchObject({ state: 'completed', status: 'completed' });
    const journal = (await store.journal(first.id)).map((e) => e.event.type);
    // The journal starts with the machine's init (it carries the run's input, for replay), then the human START.
    expect(journal.slice(0, 2)).toEqual(['xstate.init', 'START']);
    expect(journal.filter((t) => t === 'APPROVE')).toHaveLength(2);
    expect(journal).toContain('xstate.done.actor.enact');
    expect(journal.map((_, i) => i + 1)).toEqual((await store.journal(first.id)).map((e) => e.seq));
  }, 60_000);

  it('a LIVE run whose store is in its target: its writes while a phase runs skip the wait for the flush, those that park or end it never do, and none leaves it off', async () => {
    // Each of the store's journal writes: the state it stores, whether it skipped the flush, and the session's setting after it.
    const writes: { state: string; flushLater: boolean; after: string }[] = [];
    const created: { held: boolean; flushLater: boolean }[] = [];
    const watching = (s: DbSession): DbSession => ({
      ...s,
      async query<R>(text: string, params?: readonly unknown[]) {
        const result = await s.query<R>(text, params);
        if (text.includes('INSERT INTO cutter.runs')) created.push({ held: text.includes('INSERT INTO cutter.run_holds'), flushLater: text.includes("set_config('synchronous_commit', 'off', true)") });
        const state = /state = \$(\d+)::text/.exec(text);
        if (text.includes('INSERT INTO cutter.run_journal') && state !== null) {
          const after = (await s.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0]?.synchronous_commit ?? '?';
          writes.push({ state: String(params?.[Number(state[1]) - 1]), flushLater: text.includes("set_config('synchronous_commit', 'off', true)"), after });
        }
        return result;
      },
    });
    const watched = new PostgresRunStore((work) => target.admin((s) => work(watching(s))));
    const live = await createDurableRun({ store: watched, mode: 'LIVE', plan: samplePlan(2), initiator: 'carol', approvals: policy, executor: freshAdapter(), killSwitch });
    live.start();
    live.approve(approvalFor(await live.settled(), 'SG_1'));
    live.approve(approvalFor(await live.settled(), 'SG_2', 'bob'));
    expect((await live.done()).status).toBe('completed');
    await live.release();
    const parksOrEnds = new Set(['awaitingCutApproval', 'awaitingEnactApproval', 'completed']);
    expect(writes.map((w) => w.state)).toEqual(expect.arrayContaining(['awaitingCutApproval', 'cutting', 'recordingLedger', 'awaitingEnactApproval', 'completed']));
    expect(writes.filter((w) => w.flushLater === parksOrEnds.has(w.state))).toEqual([]);
    expect(writes.filter((w) => w.after !== 'on')).toEqual([]);
    // The run's row and its hold: one statement, flushed by planning's commit.
    expect(created).toEqual([{ held: true, flushLater: true }]);

    // A DRYRUN run writes nothing in the target that would flush its store's writes: every one of them waits.
    writes.length = 0;
    const dry = await createDurableRun({ store: watched, mode: 'DRYRUN', plan: samplePlan(2), initiator: 'carol', approvals: policy, killSwitch });
    dry.start();
    await dry.settled();
    await dry.release();
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.filter((w) => w.flushLater)).toEqual([]);
    expect(created.slice(1)).toEqual([{ held: false, flushLater: false }]);
  }, 60_000);

  it('a run stopped while a phase was in flight resumes it: the committed phase is replayed, not redone', async () => {
    const first = await createDurableRun({ store, mode: 'LIVE', plan: samplePlan(3), initiator: 'carol', approvals: policy, executor: freshAdapter(), killSwitch });
    first.start();
    const atCut = await first.settled();
    // Stop the run the moment the cut has been entered: its transaction may or may not have committed.
    const stopped = new Promise<void>((resolve) => {
      const unsubscribe = first.subscribe((v) => { if (v.state === 'recordingLedger') { first.stop(); unsubscribe(); resolve(); } });
    });
    first.approve(approvalFor(atCut, 'SG_1'));
    await stopped;
    await new Promise((r) => setTimeout(r, 500)); // let the stopped phase's transaction end either way

    const second = await restoreRun({ store, runId: first.id, approvals: policy, executor: freshAdapter(), killSwitch });
    const atEnact = await second.settled();
    expect(atEnact.gate).toBe('SG_2');
    second.approve(approvalFor(atEnact, 'SG_2', 'bob'));
    expect((await second.settled()).output?.status).toBe('completed');
    expect(await countRows(target, 'iu_versions')).toBe(3);
    expect(await countRows(target, 'ledger')).toBe(1);
    expect(await countRows(target, 'change_sets')).toBe(1);
  }, 60_000);

  it('an approval for a run parked by another process is checked against the stored run: a replay from another run is refused', async () => {
    const other = await createDurableRun({ store, mode: 'DRYRUN', plan: samplePlan(2), initiator: 'carol', approvals: policy, killSwitch });
    other.start();
    const otherView = await other.settled();
    const run = await createDurableRun({ store, mode: 'DRYRUN', plan: samplePlan(2), initiator: 'carol', approvals: policy, killSwitch });
    run.start();
    await run.settled();
    await run.release();
    const restored = await restoreRun({ store, runId: run.id, approvals: policy, killSwitch });
    expect(restored.approve(approvalFor(otherView, 'SG_1'))).toMatchObject({ accepted: false, reason: expect.stringContaining('wrong-run') });
    await restored.settled();
    const journal = await store.journal(run.id);
    expect(journal.slice(-2).map((e) => e.event)).toEqual([
      expect.objectContaining({ type: 'APPROVE' }),
      expect.objectContaining({ type: 'cutter.refused', gate: 'SG_1', code: 'E_APPROVAL_INVALID', reason: expect.stringContaining('wrong-run') }),
    ]);
    expect((await store.load(run.id))?.snapshot).toMatchObject({ context: { refusals: [expect.objectContaining({ code: 'E_APPROVAL_INVALID' })] } });
  }, 60_000);

  it('a stored snapshot of another format version is refused, never restored into a silent hang', async () => {
    const run = await createDurableRun({ store, mode: 'DRYRUN', plan: samplePlan(1), initiator: 'carol', approvals: policy });
    run.start();
    await run.settled();
    await run.release();
    await target.admin((s) => s.query('UPDATE cutter.runs SET snapshot_version = 999 WHERE run_id = $1', [run.id]));
    await expect(restoreRun({ store, runId: run.id, approvals: policy })).rejects.toMatchObject({ code: 'E_SNAPSHOT_VERSION' });
    await expect(restoreRun({ store, runId: 'no-such-run', approvals: policy })).rejects.toMatchObject({ code: 'E_RUN_NOT_FOUND' });
  }, 60_000);
});
