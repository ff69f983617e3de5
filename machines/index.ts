export { runMachine, type RunMachine } from './run-machine.js';
export * from './run-types.js';
export { toErrorRecord, type ErrorRecord } from './error-record.js';
export { RUN_SNAPSHOT_VERSION } from './snapshot-version.js';
