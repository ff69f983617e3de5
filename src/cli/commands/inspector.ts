import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { platform } from 'node:os';
import type { Command } from 'commander';
import { ExitCode } from '../exit-codes.js';
import { portOf } from '../inspect-option.js';
import { STATELY_VIEWER_URL } from '../inspect-relay-page.js';
import { DEFAULT_INSPECT_PORT, DEFAULT_RELAY_HOST, isLoopbackHost } from '../inspect-addresses.js';
import type { Terminal } from '../terminal.js';

/** Opens a URL in the default browser, without a shell; a missing opener is not an error (the URL is printed). */
function openInBrowser(url: string): void {
  const [command, args]: [string, string[]] = platform() === 'darwin' ? ['open', [url]] : platform() === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
}

/**
 * Registers `cutter inspector`: the relay that `--inspect` streams to, serving the Stately viewer page, until Ctrl-C.
 * A relay started by `cutter run --inspect` itself would die when that command exits; this one outlives the runs.
 */
export function registerInspector(program: Command, terminal: Terminal, setExit: (code: ExitCode) => void): void {
  program
    .command('inspector')
    .description('run the local relay that `--inspect` streams to, and serve the Stately inspector page, until Ctrl-C')
    .option('--port <port>', 'the port for the WebSocket relay and the page', String(DEFAULT_INSPECT_PORT))
    .option('--host <addr>', 'the address to listen on; any but loopback lets everyone who can reach it watch the stream and send into it', DEFAULT_RELAY_HOST)
    .option('--open', 'open the page in the default browser', false)
    .action(async (options: { port: string; host: string; open: boolean }) => {
      const { startInspectorRelay } = await import('../inspect-relay.js');
      const relay = await startInspectorRelay({ host: options.host, port: portOf(options.port) });
      if (!isLoopbackHost(options.host)) {
        terminal.error(terminal.yellow(`warning: the relay listens on ${options.host}, not on this machine only: anyone who can reach ${relay.socketUrl} sees the stream of every run sent to it (sanitised, but ids, states, counts and error messages) and can send messages into it, which every viewer shows as events. Use it on a network you trust; the default is ${DEFAULT_RELAY_HOST}.`));
      }
      terminal.line(`inspector relay on ${relay.socketUrl}; open ${relay.pageUrl} in a browser, then run commands with --inspect --inspect-port ${relay.address.port}`);
      terminal.line(terminal.dim(`the page frames the Stately viewer, a third-party page your browser loads from ${STATELY_VIEWER_URL}; the events reach it in the browser.`));
      terminal.line(terminal.dim('events are sanitised by the sender (no bodies, signatures or DSNs); the last 200 are kept for a late viewer. Ctrl-C stops.'));
      if (options.open) openInBrowser(relay.pageUrl);
      await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
      await relay.stop();
      setExit(ExitCode.Ok);
    });
}
