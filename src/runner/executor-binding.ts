import { Mode } from '../domain/mode.js';
import { ExecutorModeMismatch, LiveAdapterRequired } from '../errors/index.js';
import type { Executor } from '../executors/executor.js';
import { isLiveAdapter } from '../executors/live-adapter.js';
import { DryRunSimulator } from '../executors/simulator.js';

/** Describes an executor for an error message without ever printing its fields. */
export function describeExecutor(executor: unknown): string {
  if (executor === undefined || executor === null) return 'no executor';
  const name = (executor as { name?: unknown }).name;
  return `${typeof name === 'string' ? name : 'an unnamed object'} (${(executor as { constructor?: { name?: string } }).constructor?.name ?? 'unknown class'})`;
}

/** True when `executor` may answer a run of `mode`: a live adapter for LIVE, anything but one for DRYRUN. */
export function executorFitsMode(executor: Executor | undefined, mode: Mode): boolean {
  if (executor === undefined || executor.mode !== mode) return false;
  return mode === Mode.Live ? isLiveAdapter(executor) : !isLiveAdapter(executor);
}

/**
 * Chooses the one executor of a run, once, at creation (I1, I2, I4). A LIVE run accepts only a
 * {@link LiveExecutionAdapter}: handed the simulator, anything else or nothing, it is refused here, so no LIVE run
 * ever holds a reference to a simulator. A DRYRUN run gets a fresh simulator unless given another DRYRUN executor,
 * and refuses a live adapter.
 */
export function bindExecutor(mode: Mode, executor: Executor | undefined): Executor {
  if (mode === Mode.Live) {
    if (!isLiveAdapter(executor)) throw new LiveAdapterRequired('create', describeExecutor(executor));
    return executor;
  }
  if (executor === undefined) return new DryRunSimulator();
  if (!executorFitsMode(executor, Mode.DryRun)) throw new ExecutorModeMismatch(mode, isLiveAdapter(executor) ? Mode.Live : executor.mode);
  return executor;
}
