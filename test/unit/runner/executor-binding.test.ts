import { describe, expect, it } from 'vitest';
import { Mode } from '../../../src/domain/mode.js';
import type { Executor } from '../../../src/executors/executor.js';
import { DryRunSimulator } from '../../../src/executors/simulator.js';
import { InMemoryKillSwitch } from '../../../src/kill-switch/index.js';
import { bindExecutor, describeExecutor, executorFitsMode } from '../../../src/runner/executor-binding.js';
import { FakeLiveAdapter } from '../../support/executors.js';

describe('describeExecutor names an executor for an error message, never printing its fields', () => {
  it('names its name and class', () => {
    expect(describeExecutor(new DryRunSimulator())).toBe('dryrun-simulator (DryRunSimulator)');
    expect(describeExecutor({ name: 'x', secret: 'hunter2' })).toBe('x (Object)');
  });

  it('says what is missing', () => {
    expect(describeExecutor(undefined)).toBe('no executor');
    expect(describeExecutor(null)).toBe('no executor');
    expect(describeExecutor({ name: 42 })).toBe('an unnamed object (Object)');
    expect(describeExecutor(Object.create(null))).toBe('an unnamed object (unknown class)');
  });
});

describe('executorFitsMode', () => {
  const adapter = new FakeLiveAdapter(new InMemoryKillSwitch(true));
  const impostor = Object.assign(new DryRunSimulator(), { name: 'impostor', mode: Mode.Live }) as unknown as Executor;

  it('fits a live adapter to LIVE only, and the simulator to DRYRUN only', () => {
    expect(executorFitsMode(adapter, Mode.Live)).toBe(true);
    expect(executorFitsMode(adapter, Mode.DryRun)).toBe(false);
    expect(executorFitsMode(new DryRunSimulator(), Mode.DryRun)).toBe(true);
    expect(executorFitsMode(new DryRunSimulator(), Mode.Live)).toBe(false);
  });

  it('fits nothing to no executor, and nothing to an object that claims a mode it is not', () => {
    expect(executorFitsMode(undefined, Mode.DryRun)).toBe(false);
    expect(executorFitsMode(undefined, Mode.Live)).toBe(false);
    expect(executorFitsMode(impostor, Mode.Live)).toBe(false);
    expect(executorFitsMode(impostor, Mode.DryRun)).toBe(false);
  });
});

describe('bindExecutor', () => {
  it('refuses a LIVE run anything but a live adapter, naming what it got, at creation', () => {
    expect(() => bindExecutor(Mode.Live, new DryRunSimulator())).toThrow(expect.objectContaining({ code: 'E_LIVE_ADAPTER_REQUIRED', phase: 'create', message: expect.stringContaining('dryrun-simulator (DryRunSimulator)') as unknown }));
    expect(() => bindExecutor(Mode.Live, undefined)).toThrow(/got no executor/);
  });

  it('refuses a DRYRUN run a live adapter or an executor claiming LIVE, naming the mode it answers', () => {
    const adapter = new FakeLiveAdapter(new InMemoryKillSwitch(true));
    expect(() => bindExecutor(Mode.DryRun, adapter)).toThrow(expect.objectContaining({ code: 'E_EXECUTOR_MODE_MISMATCH', message: expect.stringContaining('answers LIVE') as unknown }));
  });

  it('gives a DRYRUN run a fresh simulator when none is given', () => {
    const first = bindExecutor(Mode.DryRun, undefined);
    expect(first).toBeInstanceOf(DryRunSimulator);
    expect(bindExecutor(Mode.DryRun, undefined)).not.toBe(first);
  });
});
