/**
 * `cutter inspector` is the relay `--inspect` streams to: it runs in its own process until SIGINT, serves the viewer
 * page, and passes each event a command sends on to the viewers connected to it. It listens on 127.0.0.1 only.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { main } from '../../src/cli/main.js';
import { captureTerminal } from '../support/capture-terminal.js';
import { freePort } from '../support/free-port.js';
import { listeningAddresses } from '../support/listening-sockets.js';
import { cliNodeArgs } from '../support/cli-node.js';

describe('cutter inspector', () => {
  let dir = '';
  afterAll(async () => { if (dir !== '') await rm(dir, { recursive: true, force: true }); });

  it('relays a run streamed with --inspect to a connected viewer, serves the page, and stops on SIGINT', async () => {
    dir = await mkdtemp(join(tmpdir(), 'cutter-relay-'));
    const port = await freePort();
    const relay = spawn(process.execPath, cliNodeArgs('inspector', '--port', String(port)), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    try {
      let banner = '';
      relay.stdout.setEncoding('utf8');
      await new Promise<void>((resolve, reject) => {
        relay.stdout.on('data', (chunk: string) => { banner += chunk; if (banner.includes('Ctrl-C')) resolve(); });
        relay.once('exit', (code) => { reject(new Error(`the relay exited early (${String(code)})`)); });
      });
      expect(banner).toContain(`ws://127.0.0.1:${port}`);
      // Issue 15: `ss -ltn` shows the relay on 127.0.0.1 only (it used to listen on every interface).
      expect(listeningAddresses(port)).toEqual([`127.0.0.1:${port}`]);
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<html');

      const viewer = new WebSocket(`ws://127.0.0.1:${port}`);
      const received: string[] = [];
      viewer.on('message', (data: Buffer) => { received.push(data.toString()); });
      await once(viewer, 'open');

      expect(await main(['init', '--data-dir', join(dir, 'db')], captureTerminal())).toBe(ExitCode.Ok);
      const terminal = captureTerminal();
      const code = await main(['run', 'examples/docs', '--mode', 'dryrun', '--initiator', 'carol', '--data-dir', join(dir, 'db'), '--inspect', '--inspect-port', String(port)], terminal);
      expect({ code, err: terminal.err.join('\n') }).toMatchObject({ code: ExitCode.Ok });
      await new Promise((resolve) => setTimeout(resolve, 200));
      viewer.close();
      const values = received.map((m) => JSON.parse(m) as { type: string; snapshot?: { value?: unknown } }).filter((e) => e.type === '@xstate.snapshot').map((e) => e.snapshot?.value);
      expect(values).toContain('awaitingCutApproval');
    } finally {
      relay.kill('SIGINT');
    }
    const [exitCode] = (await once(relay, 'exit')) as [number | null];
    expect(exitCode).toBe(0);
  }, 60_000);
});
