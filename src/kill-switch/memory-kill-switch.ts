import type { KillSwitch } from './kill-switch.js';

/**
 * An in-process switch for hosts and tests. Starts OFF.
 *
 * @example
 * const killSwitch = new InMemoryKillSwitch();
 * killSwitch.turnOn();   // LIVE phases may write
 * killSwitch.turnOff();  // every lock refuses from the next read on
 */
export class InMemoryKillSwitch implements KillSwitch {
  #on: boolean;

  constructor(initiallyOn = false) {
    this.#on = initiallyOn;
  }

  executionEnabled(): boolean {
    return this.#on;
  }

  turnOn(): void {
    this.#on = true;
  }

  turnOff(): void {
    this.#on = false;
  }
}
