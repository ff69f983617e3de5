import { once } from 'node:events';
import { createInspectorServer } from '@statelyai/inspect/server';
import type { Command } from 'commander';
import { ExitCode } from '../exit-codes.js';
import { portOf } from '../inspect-option.js';
import { DEFAULT_INSPECT_PORT } from '../inspect-socket.js';
import type { Terminal } from '../terminal.js';

/**
 * Registers `cutter inspector`: the relay that `--inspect` streams to, serving the Stately viewer page, until Ctrl-C.
 * A relay started by `cutter run --inspect` itself would die when that command exits; this one outlives the runs.
 */
export function registerInspector(program: Command, terminal: Terminal, setExit: (code: ExitCode) => void): void {
  program
    .command('inspector')
    .description('run the local relay that `--inspect` streams to, and serve the Stately inspector page, until Ctrl-C')
    .option('--port <port>', 'the port for the WebSocket relay and the page', String(DEFAULT_INSPECT_PORT))
    .option('--open', 'open the page in the default browser', false)
    .action(async (options: { port: string; open: boolean }) => {
      const port = portOf(options.port);
      const server = createInspectorServer({ port, autoOpen: options.open });
      terminal.line(`inspector relay on ws://127.0.0.1:${port}; open http://localhost:${port} in a browser, then run commands with --inspect --inspect-port ${port}`);
      terminal.line(terminal.dim('events are sanitised by the sender (no bodies, signatures or DSNs); the last 200 are kept for a late viewer. Ctrl-C stops.'));
      await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
      server.stop();
      setExit(ExitCode.Ok);
    });
}
