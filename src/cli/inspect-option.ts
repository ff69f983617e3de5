import type { Command } from 'commander';
import { InvalidInput } from '../errors/index.js';
import { DEFAULT_INSPECT_PORT } from './inspect-addresses.js';
import type { SocketInspector } from './inspect-socket.js';
import type { Terminal } from './terminal.js';
import { counted } from '../text/plural.js';

export interface InspectOptions {
  readonly inspect?: boolean;
  readonly inspectPort?: string;
}

/** Adds `--inspect` and `--inspect-port` to a command. */
export function withInspectOptions(command: Command): Command {
  return command
    .option('--inspect', 'stream the run, sanitised (no bodies, signatures or DSNs), to a Stately inspector relay on this machine', false)
    .option('--inspect-port <port>', "the relay's port on 127.0.0.1 (@statelyai/inspect's default)", String(DEFAULT_INSPECT_PORT));
}

export function portOf(text: string | undefined): number {
  const port = Number(text ?? DEFAULT_INSPECT_PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new InvalidInput('inspect-port', 'must be a port number, 1 to 65535');
  return port;
}

/**
 * Runs `work` with an inspector streaming to the local relay when `--inspect` was given (else with null), and closes
 * it afterwards whatever happened, so an open socket never keeps the command from exiting. Says on stderr where to
 * watch, and what was sent.
 */
export async function withInspector<T>(options: InspectOptions, terminal: Terminal, work: (socket: SocketInspector | null) => Promise<T>): Promise<T> {
  if (options.inspect !== true) return work(null);
  const port = portOf(options.inspectPort);
  const { openSocketInspector } = await import('./inspect-socket.js');
  const socket = openSocketInspector(port);
  terminal.error(`${terminal.dim('inspector:')} streaming to ${socket.url}; watch at http://localhost:${port} (a relay must listen there: run 'cutter inspector --port ${port}' in another terminal)`);
  try {
    return await work(socket);
  } finally {
    const report = await socket.close();
    if (report.connected) terminal.error(`${terminal.dim('inspector:')} sent ${counted(report.sent, 'event')} to ${report.url}`);
    else terminal.error(`${terminal.yellow('inspector:')} could not reach ${report.url} (${report.error ?? 'closed'}); nothing was streamed`);
  }
}
