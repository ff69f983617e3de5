import type { KillSwitch } from './kill-switch.js';

/** The environment variable the {@link EnvKillSwitch} reads by default. */
export const KILL_SWITCH_ENV = 'CUTTER_EXECUTION_ENABLED';

/**
 * A switch read from an environment variable at every call (so a host can flip `process.env` at run time). Only the
 * exact values `on`, `true` and `1` turn it ON; anything else, including unset or empty, is OFF.
 */
export class EnvKillSwitch implements KillSwitch {
  readonly #env: NodeJS.ProcessEnv;
  readonly #name: string;

  constructor(env: NodeJS.ProcessEnv = process.env, name: string = KILL_SWITCH_ENV) {
    this.#env = env;
    this.#name = name;
  }

  executionEnabled(): boolean {
    const value = this.#env[this.#name];
    return value === 'on' || value === 'true' || value === '1';
  }
}
