import { KillSwitchLock, ProductionExecutionNotAuthorized } from '../errors/index.js';

/**
 * The kill switch: LIVE writes happen only while it reads ON. It is read at call time, every time, by every lock;
 * nothing caches it.
 */
export interface KillSwitch {
  /** True only when LIVE execution is enabled right now. */
  executionEnabled(): boolean;
}

/**
 * Reads the switch, treating anything but a clean `true` (a throw, a non-boolean) as OFF: an unreadable switch is
 * a closed switch.
 */
export function readKillSwitch(killSwitch: KillSwitch | undefined): boolean {
  if (killSwitch === undefined) return false;
  try {
    // A host's switch may return anything at run time; only a real `true` opens it.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-boolean-literal-compare
    return killSwitch.executionEnabled() === true;
  } catch {
    return false;
  }
}

/** Throws {@link ProductionExecutionNotAuthorized} unless the switch reads ON. */
export function assertExecutionEnabled(killSwitch: KillSwitch | undefined, phase: string, lock: KillSwitchLock): void {
  if (!readKillSwitch(killSwitch)) throw new ProductionExecutionNotAuthorized(phase, lock);
}

/** A switch that is always OFF: the default wherever none is given. */
export const killSwitchAlwaysOff: KillSwitch = Object.freeze({ executionEnabled: () => false });

export { KillSwitchLock };
