/**
 * The predecessor's sandbox checks (seed 004: tests/test_orchestrator_o8a_live_wiring.py), ported to this machine and
 * runner. Group names follow the seed's test classes. TestProductionAdapterTransaction is ported against the Postgres
 * adapter in test/unit/postgres and test/integration.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Mode } from '../../../src/domain/mode.js';
import { hasCode } from '../../../src/errors/index.js';
import type { ExecutorMethod } from '../../../src/executors/executor.js';
import { isLiveAdapter } from '../../../src/executors/live-adapter.js';
import {
  assertExecutionEnabled,
  EnvKillSwitch,
  InMemoryKillSwitch,
  killSwitchAlwaysOff,
  readKillSwitch,
} from '../../../src/kill-switch/index.js';
import { createRun } from '../../../src/runner/create-run.js';
import { bindExecutor } from '../../../src/runner/executor-binding.js';
import { bindPhaseActors } from '../../../src/runner/phase-actors.js';
import { silentLogger } from '../../../src/logging/logger.js';
import { pinChangeSet } from '../../../src/domain/change-set.js';
import { createActor, toPromise, type AnyActorLogic } from 'xstate';
import { approvalFor, policy, samplePlan } from '../../support/fixtures.js';
import { FakeLiveAdapter, RecordingSimulator, TripwireAdapter, TripwireSimulator } from '../../support/executors.js';
import { driveToCompletion, startRun } from '../../support/drive.js';

// One switch per test file, as the predecessor had one module constant; every test leaves it OFF.
const killSwitch = new InMemoryKillSwitch();
afterEach(() => killSwitch.turnOff());

const ALL_PHASES: readonly ExecutorMethod[] = [
  'precheck', 'preWriteBackup', 'cutLegA', 'legBRecord', 'verifyResultCountFor', 'writeVerify', 'lifecycleEnact',
];

/** Runs one phase actor directly (the seed called phase functions directly). */
async function runPhase(phase: 'backup' | 'cut' | 'ledger' | 'verify' | 'enact', mode: Mode, executor: Parameters<typeof bindPhaseActors>[0]['executor']) {
  const plan = samplePlan(3);
  const actors = bindPhaseActors({ executor, killSwitch, plan: { kind: 'rows', plan }, logger: silentLogger });
  const input = { runId: 'run-1', mode, changeSet: pinChangeSet(plan, 'run-1') };
  const actor = createActor(actors[phase] as AnyActorLogic, { input: phase === 'enact' ? { ...input, reviewDecisionId: 'RD-1' } : input });
  actor.start();
  return toPromise(actor) as Promise<unknown>;
}

describe('TestEnforcementHelpers', () => {
  it('executionEnabled() is OFF by default', () => {
    expect(readKillSwitch(new InMemoryKillSwitch())).toBe(false);
    expect(readKillSwitch(killSwitchAlwaysOff)).toBe(false);
    expect(readKillSwitch(new EnvKillSwitch({}))).toBe(false);
    expect(readKillSwitch(undefined)).toBe(false);
  });

  it('refuses LIVE when the switch is OFF', () => {
    expect(() => assertExecutionEnabled(killSwitch, 'cutLegA', 'phase')).toThrow(expect.objectContaining({ code: 'E_KILL_SWITCH_OFF', phase: 'cutLegA', lock: 'phase' }));
  });

  it('does not stand in the way of DRYRUN: a DRYRUN phase runs with the switch OFF', async () => {
    const simulator = new RecordingSimulator();
    await expect(runPhase('cut', 'DRYRUN', simulator)).resolves.toMatchObject({ created: 3, simulated: true });
    expect(simulator.calls).toEqual(['cutLegA']);
  });

  it('passes when ON, and reads the switch at call time', () => {
    killSwitch.turnOn();
    expect(() => assertExecutionEnabled(killSwitch, 'cutLegA', 'phase')).not.toThrow();
    killSwitch.turnOff();
    expect(() => assertExecutionEnabled(killSwitch, 'cutLegA', 'phase')).toThrow();
  });

  it('treats an unreadable switch as OFF', () => {
    const broken = { executionEnabled: (): boolean => { throw new Error('config store down'); } };
    const truthy = { executionEnabled: () => 'yes' as unknown as boolean };
    expect(readKillSwitch(broken)).toBe(false);
    expect(readKillSwitch(truthy)).toBe(false);
  });

  it('require-live-adapter rejects none and non-adapters, accepts an adapter', () => {
    expect(() => bindExecutor('LIVE', undefined)).toThrow(expect.objectContaining({ code: 'E_LIVE_ADAPTER_REQUIRED' }));
    expect(() => bindExecutor('LIVE', new TripwireSimulator())).toThrow(expect.objectContaining({ code: 'E_LIVE_ADAPTER_REQUIRED' }));
    expect(() => bindExecutor('LIVE', { mode: 'LIVE', name: 'duck' } as never)).toThrow(expect.objectContaining({ code: 'E_LIVE_ADAPTER_REQUIRED' }));
    const adapter = new FakeLiveAdapter(killSwitch);
    expect(bindExecutor('LIVE', adapter)).toBe(adapter);
    expect(isLiveAdapter(adapter)).toBe(true);
  });

  it('the environment switch turns ON only for on, true or 1', () => {
    const env: NodeJS.ProcessEnv = {};
    const envSwitch = new EnvKillSwitch(env);
    for (const [value, on] of [['on', true], ['true', true], ['1', true], ['ON ', false], ['yes', false], ['', false], ['0', false]] as const) {
      env.CUTTER_EXECUTION_ENABLED = value;
      expect(envSwitch.executionEnabled(), `value ${JSON.stringify(value)}`).toBe(on);
    }
  });
});

describe('TestLiveRoutesToAdapter', () => {
  it.each(['backup', 'cut', 'ledger', 'verify', 'enact'] as const)('LIVE %s phase calls its adapter seam method, never the simulator', async (phase) => {
    killSwitch.turnOn();
    const adapter = new FakeLiveAdapter(killSwitch);
    const tripwire = new TripwireSimulator();
    // The simulator exists in the test, but a LIVE binding can only ever hold the adapter.
    expect(() => bindExecutor('LIVE', tripwire)).toThrow();
    if (phase === 'verify' || phase === 'enact') await runPhase('cut', 'LIVE', adapter);
    await runPhase(phase, 'LIVE', adapter);
    const expected = { backup: ['preWriteBackup'], cut: ['cutLegA'], ledger: ['legBRecord'], verify: ['verifyResultCountFor', 'writeVerify'], enact: ['lifecycleEnact'] }[phase];
    expect(adapter.calls.slice(-expected.length)).toEqual(expected);
    expect(tripwire.calls).toEqual([]);
  });

  it.each(['backup', 'cut', 'ledger', 'verify', 'enact'] as const)('a LIVE %s phase with no live adapter fails closed', async (phase) => {
    killSwitch.turnOn();
    const tripwire = new TripwireSimulator();
    await expect(runPhase(phase, 'LIVE', tripwire)).rejects.toMatchObject({ code: 'E_LIVE_ADAPTER_REQUIRED' });
    expect(tripwire.calls).toEqual([]);
  });
});

describe('TestLiveRefusedWhenKillSwitchOff', () => {
  it.each(['backup', 'cut', 'ledger', 'verify', 'enact'] as const)('LIVE %s refuses with the switch OFF and the adapter is never entered', async (phase) => {
    const adapter = new FakeLiveAdapter(killSwitch);
    await expect(runPhase(phase, 'LIVE', adapter)).rejects.toMatchObject({ code: 'E_KILL_SWITCH_OFF', lock: 'phase' });
    expect(adapter.calls).toEqual([]);
  });
});

describe('TestDryRunUnchanged', () => {
  it.each([['cut', ['cutLegA']], ['enact', ['cutLegA', 'lifecycleEnact']], ['verify', ['cutLegA', 'verifyResultCountFor', 'writeVerify']]] as const)(
    'DRYRUN %s calls the simulator',
    async (phase, calls) => {
      const simulator = new RecordingSimulator();
      if (phase !== 'cut') await runPhase('cut', 'DRYRUN', simulator);
      await runPhase(phase, 'DRYRUN', simulator);
      expect(simulator.calls).toEqual(calls);
    },
  );

  it.each(['backup', 'cut', 'ledger', 'verify', 'enact'] as const)('a DRYRUN %s phase handed an adapter refuses without entering it', async (phase) => {
    killSwitch.turnOn();
    const tripwire = new TripwireAdapter(killSwitch);
    await expect(runPhase(phase, 'DRYRUN', tripwire)).rejects.toMatchObject({ code: 'E_EXECUTOR_MODE_MISMATCH' });
    expect(tripwire.calls).toEqual([]);
  });

  it('a whole DRYRUN run with the switch OFF completes on the simulator; a tripwire adapter is never reached', async () => {
    const tripwire = new TripwireAdapter(new InMemoryKillSwitch(true));
    const simulator = new RecordingSimulator();
    expect(() => createRun({ mode: 'DRYRUN', plan: samplePlan(), initiator: 'carol', approvals: policy, executor: tripwire })).toThrow(
      expect.objectContaining({ code: 'E_EXECUTOR_MODE_MISMATCH' }),
    );
    const { run, view } = await startRun({ mode: 'DRYRUN', executor: simulator });
    const end = await driveToCompletion(run, view);
    expect(end.output?.status).toBe('completed');
    expect(simulator.calls).toEqual(ALL_PHASES);
    expect(tripwire.calls).toEqual([]);
  });
});

describe('TestApprovalGatingUnderLive', () => {
  it('cutLegA under LIVE still requires SG_1: the adapter is not entered without a valid approval', async () => {
    killSwitch.turnOn();
    const adapter = new FakeLiveAdapter(killSwitch);
    const { run, view } = await startRun({ mode: 'LIVE', executor: adapter, killSwitch });
    expect(view.gate).toBe('SG_1');
    const outcome = run.approve(approvalFor(view, 'SG_1', 'alice', { planHash: 'f'.repeat(64) }));
    expect(outcome).toMatchObject({ accepted: false, code: 'E_APPROVAL_INVALID' });
    expect(run.view().gate).toBe('SG_1');
    expect(adapter.calls).toEqual(['precheck']);
  });

  it('lifecycleEnact under LIVE still requires SG_2: the adapter is not entered for enactment without it', async () => {
    killSwitch.turnOn();
    const adapter = new FakeLiveAdapter(killSwitch);
    const { run, view } = await startRun({ mode: 'LIVE', executor: adapter, killSwitch });
    run.approve(approvalFor(view, 'SG_1'));
    const atEnact = await run.settled();
    expect(atEnact.gate).toBe('SG_2');
    // An SG_1 approval replayed at SG_2 is refused.
    expect(run.approve(approvalFor(atEnact, 'SG_1', 'bob'))).toMatchObject({ accepted: false });
    expect(adapter.calls).not.toContain('lifecycleEnact');
    expect(run.view().gate).toBe('SG_2');
  });
});

describe('TestRunnerLiveGate', () => {
  it('a LIVE run is refused at SG_1 when the kill switch is OFF, with nothing reaching the adapter; it stays parked there', async () => {
    const adapter = new FakeLiveAdapter(killSwitch);
    const { run, view } = await startRun({ mode: 'LIVE', executor: adapter, killSwitch });
    expect(run.approve(approvalFor(view, 'SG_1'))).toMatchObject({ accepted: false, code: 'E_KILL_SWITCH_OFF' });
    const end = await run.settled();
    expect(end).toMatchObject({ state: 'awaitingCutApproval', gate: 'SG_1', context: { approvals: {}, error: { code: 'E_KILL_SWITCH_OFF' } } });
    expect(adapter.calls).toEqual(['precheck']);
  });

  it('a LIVE run requires a LiveExecutionAdapter: nothing, or the simulator, is refused at creation', () => {
    for (const executor of [undefined, new TripwireSimulator(), new RecordingSimulator()]) {
      let caught: unknown;
      try {
        createRun({ mode: 'LIVE', plan: samplePlan(), initiator: 'carol', approvals: policy, killSwitch, ...(executor === undefined ? {} : { executor }) });
      } catch (error) {
        caught = error;
      }
      expect(hasCode(caught, 'E_LIVE_ADAPTER_REQUIRED')).toBe(true);
    }
  });

  it('with the switch ON and an adapter, a LIVE run completes through every seam method, in order', async () => {
    killSwitch.turnOn();
    const adapter = new FakeLiveAdapter(killSwitch);
    const { run, view } = await startRun({ mode: 'LIVE', executor: adapter, killSwitch });
    const end = await driveToCompletion(run, view);
    expect(end.output?.status).toBe('completed');
    expect(adapter.calls).toEqual(ALL_PHASES);
  });

  it('the kill switch is left OFF after every test (no leak)', () => {
    expect(killSwitch.executionEnabled()).toBe(false);
  });
});
