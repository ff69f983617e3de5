import { describe, expect, it } from 'vitest';
import { EnvKillSwitch, InMemoryKillSwitch, killSwitchAlwaysOff, readKillSwitch } from '../../../src/kill-switch/index.js';

describe('reading a kill switch', () => {
  it('is ON only for a real true', () => {
    expect(readKillSwitch({ executionEnabled: () => true })).toBe(true);
    for (const answer of [false, 'true', 1, null, undefined]) expect(readKillSwitch({ executionEnabled: () => answer as boolean })).toBe(false);
  });

  it('is OFF when there is no switch, or it throws', () => {
    expect(readKillSwitch(undefined)).toBe(false);
    expect(readKillSwitch({ executionEnabled: () => { throw new Error('unreadable'); } })).toBe(false);
  });

  it('the default switch is always OFF, and cannot be turned', () => {
    expect(killSwitchAlwaysOff.executionEnabled()).toBe(false);
    expect(Object.isFrozen(killSwitchAlwaysOff)).toBe(true);
    expect(readKillSwitch(killSwitchAlwaysOff)).toBe(false);
  });

  it('the in-memory switch starts OFF unless told otherwise, and turns', () => {
    const killSwitch = new InMemoryKillSwitch();
    expect(killSwitch.executionEnabled()).toBe(false);
    killSwitch.turnOn();
    expect(killSwitch.executionEnabled()).toBe(true);
    killSwitch.turnOff();
    expect(killSwitch.executionEnabled()).toBe(false);
    expect(new InMemoryKillSwitch(true).executionEnabled()).toBe(true);
  });

  it('the environment switch reads at every call', () => {
    const env: NodeJS.ProcessEnv = {};
    const killSwitch = new EnvKillSwitch(env);
    expect(killSwitch.executionEnabled()).toBe(false);
    env.CUTTER_EXECUTION_ENABLED = 'on';
    expect(killSwitch.executionEnabled()).toBe(true);
  });
});
