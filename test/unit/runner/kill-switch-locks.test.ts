/**
 * I3: each of the three in-process kill-switch locks refuses on its own, with the other two bypassed.
 * (The fourth, the database row read inside each transaction, is proved on a real database in test/integration.)
 */
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, toPromise } from 'xstate';
import { runMachine } from '../../../machines/run-machine.js';
import type { CutSummary, PhaseInput } from '../../../machines/run-types.js';
import type { BackupResult } from '../../../src/domain/results.js';
import { pinChangeSet } from '../../../src/domain/change-set.js';
import { Mode } from '../../../src/domain/mode.js';
import { InMemoryKillSwitch } from '../../../src/kill-switch/index.js';
import { silentLogger } from '../../../src/logging/logger.js';
import { bindPhaseActors } from '../../../src/runner/phase-actors.js';
import { statePath } from '../../../src/runner/run-view.js';
import { samplePlan } from '../../support/fixtures.js';
import { FakeLiveAdapter } from '../../support/executors.js';

describe('kill-switch locks, each alone', () => {
  it('the machine lock: with the phase and executor locks bypassed, SG_1 approval with the switch OFF is refused, the run stays parked at SG_1 and no phase starts', () => {
    const started: string[] = [];
    const unlockedPhase = <T,>(name: string) => fromPromise<T, PhaseInput>(() => { started.push(name); return new Promise<T>(() => undefined); });
    const machine = runMachine.provide({
      actors: {
        precheck: fromPromise(() => Promise.resolve({ executor: 'x', target: 't', rowCount: 1 })),
        planning: fromPromise(() => Promise.resolve(pinChangeSet(samplePlan(1), 'run-1'))),
        backup: unlockedPhase<BackupResult>('backup'),
        cut: unlockedPhase<CutSummary>('cut'),
      },
      guards: { executorReady: () => true, approvalValid: () => true, gateOpens: () => true, killSwitchOn: () => false },
    });
    const actor = createActor(machine, { input: { runId: 'r', mode: 'LIVE', initiator: 'carol', expectedPlanHash: null } }).start();
    actor.send({ type: 'START' });
    return new Promise<void>((resolve) => {
      const sub = actor.subscribe((snapshot) => {
        if (!snapshot.matches('awaitingCutApproval')) return;
        if (snapshot.context.refusals.length === 0) {
          actor.send({ type: 'APPROVE', approval: {} as never });
          return;
        }
        sub.unsubscribe();
        expect(statePath(snapshot.value)).toBe('awaitingCutApproval');
        expect(snapshot.context.refusals).toEqual([expect.objectContaining({ gate: 'kill-switch', code: 'E_KILL_SWITCH_OFF' })]);
        expect(snapshot.context.approvals).toEqual({});
        expect(started).toEqual([]);
        resolve();
      });
    });
  });

  it('the machine lock reads at call time: the same approval passes once the switch is ON', () => {
    const killSwitch = new InMemoryKillSwitch();
    const machine = runMachine.provide({
      actors: {
        precheck: fromPromise(() => Promise.resolve({ executor: 'x', target: 't', rowCount: 1 })),
        planning: fromPromise(() => Promise.resolve(pinChangeSet(samplePlan(1), 'run-1'))),
        backup: fromPromise<BackupResult, PhaseInput>(() => new Promise<BackupResult>(() => undefined)),
      },
      guards: { executorReady: () => true, approvalValid: () => true, gateOpens: () => true, killSwitchOn: () => killSwitch.executionEnabled() },
    });
    const actor = createActor(machine, { input: { runId: 'r', mode: 'LIVE', initiator: 'carol', expectedPlanHash: null } }).start();
    actor.send({ type: 'START' });
    return new Promise<void>((resolve) => {
      actor.subscribe((snapshot) => {
        if (snapshot.matches('awaitingCutApproval')) {
          killSwitch.turnOn();
          actor.send({ type: 'APPROVE', approval: {} as never });
        }
        if (snapshot.matches('backingUp')) resolve();
      });
    });
  });

  it('the phase lock: a fitting live adapter whose own lock is open is still refused by the phase when the phase reads OFF', async () => {
    const adapterSwitch = new InMemoryKillSwitch(true); // the executor's lock is open
    const phaseSwitch = new InMemoryKillSwitch(false); // the phase reads OFF
    const adapter = new FakeLiveAdapter(adapterSwitch);
    const plan = samplePlan(2);
    const actors = bindPhaseActors({ executor: adapter, killSwitch: phaseSwitch, plan: { kind: 'rows', plan }, logger: silentLogger });
    const actor = createActor(actors.cut, { input: { runId: 'r', mode: 'LIVE', changeSet: pinChangeSet(plan, 'run-1') } }).start();
    await expect(toPromise(actor)).rejects.toMatchObject({ code: 'E_KILL_SWITCH_OFF', lock: 'phase' });
    expect(adapter.calls).toEqual([]);
  });

  it('the executor lock: called directly, bypassing machine and phase, the adapter refuses before its body runs', async () => {
    const adapter = new FakeLiveAdapter(new InMemoryKillSwitch(false));
    const plan = samplePlan(2);
    const ctx = { runId: 'r', mode: Mode.Live, changeSet: pinChangeSet(plan, 'run-1') };
    const calls: [string, Promise<unknown>][] = [
      ['preWriteBackup', adapter.preWriteBackup(ctx)],
      ['cutLegA', adapter.cutLegA(ctx, plan.rows)],
      ['legBRecord', adapter.legBRecord(ctx)],
      ['verifyResultCountFor', adapter.verifyResultCountFor(ctx)],
      ['writeVerify', adapter.writeVerify(ctx, { count: 2, digest: 'x' })],
      ['lifecycleEnact', adapter.lifecycleEnact(ctx, { addresses: ['a'], reviewDecisionId: 'RD-1' })],
      ['compensateChangeSet', adapter.compensateChangeSet(ctx)],
    ];
    // Each refusal names the seam method that refused, so an operator knows how far the run got.
    for (const [phase, call] of calls) await expect(call).rejects.toMatchObject({ code: 'E_KILL_SWITCH_OFF', lock: 'executor', phase });
    expect(adapter.calls).toEqual([]);
  });

  it('the executor lock reads at call time: turning the switch OFF between two calls stops the second', async () => {
    const killSwitch = new InMemoryKillSwitch(true);
    const adapter = new FakeLiveAdapter(killSwitch);
    const plan = samplePlan(2);
    const ctx = { runId: 'r', mode: Mode.Live, changeSet: pinChangeSet(plan, 'run-1') };
    await adapter.cutLegA(ctx, plan.rows);
    killSwitch.turnOff();
    await expect(adapter.legBRecord(ctx)).rejects.toMatchObject({ code: 'E_KILL_SWITCH_OFF' });
    expect(adapter.calls).toEqual(['cutLegA']);
  });

  it('enactment without a review decision id is refused by the adapter before its body runs', async () => {
    const adapter = new FakeLiveAdapter(new InMemoryKillSwitch(true));
    const ctx = { runId: 'r', mode: Mode.Live, changeSet: pinChangeSet(samplePlan(1), 'run-1') };
    await expect(adapter.lifecycleEnact(ctx, { addresses: ['a'], reviewDecisionId: '  ' })).rejects.toMatchObject({ code: 'E_STOP_INVARIANT', phase: 'lifecycleEnact', message: 'stop invariant failed in lifecycleEnact: enactment needs a review decision id' });
    expect(adapter.calls).toEqual([]);
  });

  it('rows without title or body are refused by the adapter before its body runs', async () => {
    const adapter = new FakeLiveAdapter(new InMemoryKillSwitch(true));
    const ctx = { runId: 'r', mode: Mode.Live, changeSet: pinChangeSet(samplePlan(1), 'run-1') };
    const row = samplePlan(1).rows[0];
    if (row === undefined) throw new Error('fixture');
    await expect(adapter.cutLegA(ctx, [{ ...row, body: '  ' }])).rejects.toMatchObject({ code: 'E_STOP_INVARIANT', status: 'missing-body' });
    await expect(adapter.cutLegA(ctx, [{ ...row, title: '' }])).rejects.toMatchObject({ code: 'E_STOP_INVARIANT', status: 'missing-title' });
    // A host that bypasses validation may hand over anything: a missing field is refused the same way, by name.
    await expect(adapter.cutLegA(ctx, [{ ...row, title: undefined as unknown as string }])).rejects.toMatchObject({
      code: 'E_STOP_INVARIANT', address: row.address, status: 'missing-title', message: expect.stringContaining('row has no title') as unknown,
    });
    await expect(adapter.cutLegA(ctx, [])).rejects.toMatchObject({ code: 'E_STOP_INVARIANT', phase: 'cutLegA', message: 'stop invariant failed in cutLegA: no rows to create' });
    expect(adapter.calls).toEqual([]);
  });
});
