import { isIP } from 'node:net';

// Where the inspector's relay listens, apart from the relay and the socket themselves: every command's options name
// these, and only `--inspect` and `cutter inspector` load the WebSocket and inspector modules.

/** The port `@statelyai/inspect` uses by default for its WebSocket relay (`createInspectorServer`). */
export const DEFAULT_INSPECT_PORT = 8080;

/** Where the relay listens unless told otherwise: this machine only. */
export const DEFAULT_RELAY_HOST = '127.0.0.1';

/** True for an address that only this machine can reach: `localhost`, 127.0.0.0/8, `::1`. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || bare.startsWith('::ffff:127.');
  return false;
}
