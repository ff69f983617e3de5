/**
 * Real runs recorded in a memory run store, for the report's unit tests: the journals and snapshots are exactly what
 * a durable run writes, without a database.
 */
import { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import { runMachine } from '../../machines/run-machine.js';
import { viewOfStored, type RunView } from '../../src/runner/run-view.js';
import { createDurableRun } from '../../src/runs/durable-run.js';
import { MemoryRunStore } from '../../src/runs/memory-run-store.js';
import type { JournalEntry, StoredRun } from '../../src/runs/run-store.js';
import { FakeLiveAdapter } from './executors.js';
import { approvalFor, policy, samplePlan } from './fixtures.js';

export interface JournaledRun {
  readonly stored: StoredRun;
  readonly view: RunView;
  readonly journal: JournalEntry[];
}

async function recorded(store: MemoryRunStore, runId: string): Promise<JournaledRun> {
  const loaded = await store.load(runId);
  if (loaded === null) throw new Error(`run ${runId} was not stored`);
  return { stored: loaded.run, view: viewOfStored(runMachine, loaded.snapshot), journal: await store.journal(runId) };
}

/** DRYRUN to completion; at SG_1 an approval by the initiator (with `selfReason`) is refused first. */
export async function completedDryRun(selfReason = 'carol approves her own run'): Promise<JournaledRun> {
  const store = new MemoryRunStore();
  const run = await createDurableRun({ store, mode: 'DRYRUN', plan: samplePlan(3), initiator: 'carol', approvals: policy });
  run.start();
  const atCut = await run.settled();
  run.approve(approvalFor(atCut, 'SG_1', 'carol', { reason: selfReason }));
  run.approve(approvalFor(atCut, 'SG_1', 'alice'));
  const atEnact = await run.settled();
  run.approve(approvalFor(atEnact, 'SG_2', 'bob'));
  await run.done();
  return recorded(store, run.id);
}

/**
 * DRYRUN under a 2-of-N quorum at SG_1: alice's approval is taken and the gate waits for a second one (a wait the run
 * journals among its refusals, gate `policy`). With `opened`, bob's approval then opens the gate and the run parks at SG_2.
 */
export async function quorumDryRun(opened: boolean): Promise<JournaledRun> {
  const store = new MemoryRunStore();
  const run = await createDurableRun({ store, mode: 'DRYRUN', plan: samplePlan(2), initiator: 'carol', approvals: { ...policy, rules: { gates: { SG_1: { quorum: 2 } } } } });
  run.start();
  const atCut = await run.settled();
  run.approve(approvalFor(atCut, 'SG_1', 'alice'));
  const waiting = await run.settled();
  if (opened) {
    run.approve(approvalFor(waiting, 'SG_1', 'bob'));
    await run.settled();
  }
  // Everything the run recorded is stored before it is read back (a parked run never reaches `done`).
  await run.release();
  return recorded(store, run.id);
}

/** DRYRUN rejected at SG_2 (torn), then compensated after SG_3. */
export async function compensatedDryRun(): Promise<JournaledRun> {
  const store = new MemoryRunStore();
  const run = await createDurableRun({ store, mode: 'DRYRUN', plan: samplePlan(2), initiator: 'carol', approvals: policy });
  run.start();
  run.approve(approvalFor(await run.settled(), 'SG_1', 'alice'));
  const atEnact = await run.settled();
  run.reject('SG_2', 'bob', 'the review found a typo');
  const torn = await run.settled();
  run.approve(approvalFor({ ...torn, context: { ...torn.context, changeSet: atEnact.context.changeSet } }, 'SG_3', 'erin'));
  await run.done();
  return recorded(store, run.id);
}

/** LIVE (fake adapter): the kill switch goes OFF during the cut, a RESUME is refused, then it resumes and completes. */
export async function haltedAndResumedLiveRun(): Promise<JournaledRun> {
  const store = new MemoryRunStore();
  const killSwitch = new InMemoryKillSwitch(true);
  const adapter = new FakeLiveAdapter(killSwitch);
  // The switch goes OFF while the cut runs, after the adapter's own lock let it in: the machine's lock halts the run.
  const cut = adapter.cutLegA.bind(adapter);
  adapter.cutLegA = async (...args) => { const results = await cut(...args); killSwitch.turnOff(); return results; };
  const run = await createDurableRun({ store, mode: 'LIVE', plan: samplePlan(3), initiator: 'carol', approvals: policy, executor: adapter, killSwitch });
  run.start();
  const atCut = await run.settled();
  run.approve(approvalFor(atCut, 'SG_1', 'alice'));
  await run.settled();
  run.resume('dave');
  killSwitch.turnOn();
  run.resume('dave');
  run.approve(approvalFor(await run.settled(), 'SG_2', 'bob'));
  await run.done();
  return recorded(store, run.id);
}
