import { describe, expect, it } from 'vitest';
import type { RunView } from '../../../src/runner/run-view.js';
import { MemoryRunStore } from '../../../src/runs/memory-run-store.js';
import type { JournalEntry, RunStore, WriteDurability } from '../../../src/runs/run-store.js';
import { storeJournal } from '../../../src/runs/store-journal.js';

const view = (state: string) => ({ state, status: 'active', output: null }) as unknown as RunView;

describe('the store journal', () => {
  it('writes a batch of events and the latest snapshot together when the store can, never a snapshot alone ahead of its events', async () => {
    const calls: string[] = [];
    const store: RunStore = Object.assign(new MemoryRunStore(), {
      record: (_runId: string, entries: readonly JournalEntry[], latest: { state: string } | null) => {
        calls.push(`record ${entries.map((e) => e.event.type).join(',')} ${latest?.state ?? '-'}`);
        return Promise.resolve();
      },
    });
    const journal = storeJournal(store, 'run-1', 1, { snapshotVersion: 1 });
    journal.event({ type: 'START' });
    journal.snapshot({ value: 'precheck' }, view('precheck'));
    journal.event({ type: 'xstate.done.actor.precheck' });
    journal.snapshot({ value: 'planning' }, view('planning'));
    await journal.flush();
    expect(calls).toEqual(['record START,xstate.done.actor.precheck planning']);
  });

  it('falls back to appending and then saving, in that order, on a store without record', async () => {
    const store = new MemoryRunStore();
    await store.create({ runId: 'run-2', mode: 'DRYRUN', initiator: 'carol', planHash: 'h', plan: { rows: [] }, snapshotVersion: 1 });
    const journal = storeJournal(store, 'run-2', 1, { snapshotVersion: 1 });
    journal.event({ type: 'START' });
    journal.snapshot({ value: 'precheck' }, view('precheck'));
    await journal.flush();
    expect((await store.journal('run-2')).map((e) => [e.seq, e.event.type])).toEqual([[1, 'START']]);
    expect((await store.load('run-2'))?.run.state).toBe('precheck');
  });

  it('with a store in the target, lets a write taken while a phase runs skip the wait for the flush, never one that parks or ends the run', async () => {
    const writes: string[] = [];
    const store: RunStore = Object.assign(new MemoryRunStore(), {
      record: (_runId: string, _entries: readonly JournalEntry[], latest: { state: string } | null, _fence: unknown, durability: WriteDurability) => {
        writes.push(`${latest?.state ?? '-'} ${durability}`);
        return Promise.resolve();
      },
    });
    const at = (state: string, status: string, parked: boolean) => ({ state, status, parked, output: status === 'done' ? { status: state } : null }) as unknown as RunView;
    const steps = [at('cutting', 'active', false), at('awaitingEnactApproval', 'active', true), at('halted', 'active', true), at('enacting', 'active', false), at('completed', 'done', false)];
    for (const sharesTargetLog of [true, false]) {
      const journal = storeJournal(store, 'run-3', 1, { snapshotVersion: 1 }, { sharesTargetLog });
      for (const step of steps) {
        journal.snapshot({ value: step.state }, step);
        await journal.flush();
      }
    }
    expect(writes).toEqual([
      'cutting withNextCommit', 'awaitingEnactApproval now', 'halted now', 'enacting withNextCommit', 'completed now',
      'cutting now', 'awaitingEnactApproval now', 'halted now', 'enacting now', 'completed now',
    ]);
  });

  it('says a write is underway once the store has its session, before it is done; without the store saying so, once it is done', async () => {
    const seen: string[] = [];
    let finish: () => void = () => undefined;
    const signalling: RunStore = Object.assign(new MemoryRunStore(), {
      record: async (_runId: string, _entries: readonly JournalEntry[], _latest: unknown, _fence: unknown, _durability: unknown, underway?: () => void) => {
        underway?.();
        await new Promise<void>((resolve) => { finish = resolve; });
        seen.push('written');
      },
    });
    const journal = storeJournal(signalling, 'run-4', 1, { snapshotVersion: 1 });
    journal.event({ type: 'START' });
    const underway = journal.underway?.();
    const flushed = journal.flush();
    await underway;
    seen.push('underway');
    finish();
    await flushed;
    expect(seen).toEqual(['underway', 'written']);

    seen.length = 0;
    const silent: RunStore = Object.assign(new MemoryRunStore(), {
      record: async () => { await new Promise((resolve) => setImmediate(resolve)); seen.push('written'); },
    });
    const quiet = storeJournal(silent, 'run-5', 1, { snapshotVersion: 1 });
    quiet.event({ type: 'START' });
    await quiet.underway?.();
    seen.push('underway');
    expect(seen).toEqual(['written', 'underway']);
  });
});
