export { type KillSwitch, readKillSwitch, assertExecutionEnabled, killSwitchAlwaysOff } from './kill-switch.js';
export { InMemoryKillSwitch } from './memory-kill-switch.js';
export { EnvKillSwitch, KILL_SWITCH_ENV } from './env-kill-switch.js';
