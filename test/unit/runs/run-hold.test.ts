import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDurableRun, restoreRun } from '../../../src/runs/durable-run.js';
import { MemoryRunStore } from '../../../src/runs/memory-run-store.js';
import { approvalFor, policy, samplePlan } from '../../support/fixtures.js';

describe('one writer per run, in the library', () => {
  afterEach(() => { vi.useRealTimers(); });

  async function parked(store: MemoryRunStore) {
    const run = await createDurableRun({ store, mode: 'DRYRUN', plan: samplePlan(2), initiator: 'carol', approvals: policy, hold: { command: 'host A' } });
    run.start();
    await run.settled();
    return run;
  }

  it('restoreRun of a run another process holds is refused, naming that process and command; nothing changes', async () => {
    const store = new MemoryRunStore();
    const first = await parked(store);
    const before = await store.journal(first.id);
    await expect(restoreRun({ store, runId: first.id, approvals: policy, hold: { command: 'host B' } })).rejects.toMatchObject({
      code: 'E_RUN_BUSY', holder: { pid: process.pid, command: 'host A' }, message: expect.stringContaining('(host A, since'),
    });
    expect(await store.journal(first.id)).toEqual(before);
    await first.release();
    const second = await restoreRun({ store, runId: first.id, approvals: policy, hold: { command: 'host B' } });
    expect(second.view().gate).toBe('SG_1');
    await second.release();
  });

  it('waits for the holder with waitMs, and goes on once it releases', async () => {
    const store = new MemoryRunStore();
    const first = await parked(store);
    setTimeout(() => { void first.release(); }, 200);
    const second = await restoreRun({ store, runId: first.id, approvals: policy, hold: { waitMs: 5_000 } });
    expect(second.approve(approvalFor(second.view(), 'SG_1'))).toEqual({ accepted: true });
    await second.settled();
    await second.release();
  });

  it('a crashed holder does not block for ever: its lapsed hold is taken by the next process, and the one that lost it writes nothing', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const store = new MemoryRunStore();
    const first = await createDurableRun({ store, mode: 'DRYRUN', plan: samplePlan(2), initiator: 'carol', approvals: policy, hold: { ttlSeconds: 5 } });
    first.start();
    const atCut = await first.settled();
    vi.setSystemTime(Date.now() + 6_000); // the first process stopped, and its hold lapsed
    const second = await restoreRun({ store, runId: first.id, approvals: policy });
    first.approve(approvalFor(atCut, 'SG_1'));
    await expect(first.settled()).rejects.toMatchObject({ code: 'E_RUN_BUSY' });
    expect(second.view().gate).toBe('SG_1');
    expect((await store.find(first.id))?.run.state).toBe('awaitingCutApproval');
    await second.release();
  });

  it('a new run whose row cannot be stored gives its hold back, and its journal writes nothing', async () => {
    const store = new MemoryRunStore();
    const released: string[] = [];
    const written: string[] = [];
    const failing = Object.assign(store, {
      create: () => Promise.reject(new Error('the store is full')),
      releaseHold: (runId: string) => { released.push(runId); return Promise.resolve(); },
      record: (runId: string) => { written.push(runId); return Promise.resolve(); },
    });
    await expect(createDurableRun({ store: failing, mode: 'DRYRUN', plan: samplePlan(2), initiator: 'carol', approvals: policy })).rejects.toThrow('the store is full');
    await new Promise((resolve) => setImmediate(resolve));
    expect(released).toHaveLength(1);
    expect(written).toEqual([]);
  });

  it('a new run is not started before its row and its hold are stored: its first journal write follows both', async () => {
    const store = new MemoryRunStore();
    const order: string[] = [];
    let createDone: () => void = () => undefined;
    const create = store.create.bind(store);
    const slow = Object.assign(store, {
      create: async (run: Parameters<MemoryRunStore['create']>[0]) => { await new Promise<void>((resolve) => { createDone = resolve; }); await create(run); order.push('created'); },
    });
    const pending = createDurableRun({ store: slow, mode: 'DRYRUN', plan: samplePlan(2), initiator: 'carol', approvals: policy });
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual([]);
    createDone();
    const run = await pending;
    run.start();
    await run.settled();
    expect(order).toEqual(['created']);
    expect((await store.journal(run.id)).map((e) => e.event.type).slice(0, 2)).toEqual(['xstate.init', 'START']);
    await run.release();
  });
});
