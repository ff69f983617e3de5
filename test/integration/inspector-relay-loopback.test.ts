/**
 * The inspector relay listens on 127.0.0.1 unless told otherwise (`ss -ltn` shows it there only); `--host` changes
 * that and warns that anyone who can reach it sees the stream and can send into it. A browser may connect only from
 * the relay's own page. Runs of two processes streamed to one relay arrive as two actors, never as one.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { networkInterfaces } from 'node:os';
import { promisify } from 'node:util';
import { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from '../../src/cli/inspect-addresses.js';
import { acceptsOrigin, startInspectorRelay } from '../../src/cli/inspect-relay.js';
import { freePort } from '../support/free-port.js';
import { listeningAddresses } from '../support/listening-sockets.js';
import { cliNodeArgs } from '../support/cli-node.js';
import { tsxNodeArgs } from '../support/tsx-node.js';

/** Opens a WebSocket to the relay, with an Origin header when given one; resolves once open, rejects if refused. */
async function connect(port: number, origin?: string): Promise<{ socket: WebSocket; received: string[] }> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}`, origin === undefined ? {} : { origin });
  const received: string[] = [];
  socket.on('message', (data: Buffer) => { received.push(data.toString()); });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => { resolve(); });
    socket.once('error', reject);
  });
  return { socket, received };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

describe('the inspector relay', () => {
  it('listens on 127.0.0.1 only by default: the server, ss -ltn and a connection to another interface say so', async () => {
    const relay = await startInspectorRelay({ port: 0 });
    try {
      const { port } = relay.address;
      expect(relay.address.address).toBe('127.0.0.1');
      expect(listeningAddresses(port)).toEqual([`127.0.0.1:${port}`]);
      expect(relay.socketUrl).toBe(`ws://127.0.0.1:${port}`);
      const external = Object.values(networkInterfaces()).flat().find((i) => i !== undefined && i.family === 'IPv4' && !i.internal);
      if (external !== undefined) {
        await expect(fetch(`http://${external.address}:${port}/`)).rejects.toThrow();
      }
      const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      expect(page).toContain('third-party page, loaded from stately.ai');
      expect(page).toContain('"https://stately.ai/inspect"');
    } finally {
      await relay.stop();
    }
  });

  it('relays between clients and keeps events for a late viewer; a browser from another page is refused', async () => {
    const relay = await startInspectorRelay({ port: 0 });
    try {
      const { port } = relay.address;
      const sender = await connect(port);
      sender.socket.send('{"type":"@xstate.event","n":1}');
      await settle();
      const page = await connect(port, `http://127.0.0.1:${port}`);
      sender.socket.send('{"type":"@xstate.event","n":2}');
      await settle();
      expect(page.received).toEqual(['{"type":"@xstate.event","n":1}', '{"type":"@xstate.event","n":2}']);
      await expect(connect(port, 'https://evil.example')).rejects.toThrow(/401/);
      // A name rebound to 127.0.0.1 is same-origin to itself, but not a loopback name.
      expect(acceptsOrigin(`http://rebound.example:${port}`, `rebound.example:${port}`, true)).toBe(false);
      expect(acceptsOrigin(`http://localhost:${port}`, `localhost:${port}`, true)).toBe(true);
      expect(acceptsOrigin(`http://10.1.2.3:${port}`, `10.1.2.3:${port}`, false)).toBe(true);
      expect(acceptsOrigin(`http://10.1.2.3:${port}`, `10.1.2.4:${port}`, false)).toBe(false);
      sender.socket.close();
      page.socket.close();
    } finally {
      await relay.stop();
    }
  });

  it('knows a loopback address from any other', () => {
    for (const host of ['127.0.0.1', '127.8.9.1', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.5', '192.168.1.2', 'example.com', '::ffff:10.0.0.1']) expect(isLoopbackHost(host)).toBe(false);
  });

  it('cutter inspector --host 0.0.0.0 listens there and warns that anyone who can reach it sees the stream and can inject', async () => {
    const port = await freePort();
    const relay = spawn(process.execPath, cliNodeArgs('inspector', '--port', String(port), '--host', '0.0.0.0'), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    let err = '';
    relay.stderr.setEncoding('utf8').on('data', (chunk: string) => { err += chunk; });
    try {
      await new Promise<void>((resolve, reject) => {
        relay.stdout.setEncoding('utf8').on('data', (chunk: string) => { out += chunk; if (out.includes('Ctrl-C')) resolve(); });
        relay.once('exit', (code) => { reject(new Error(`the relay exited early (${String(code)}): ${err}`)); });
      });
      expect(err).toMatch(/warning: the relay listens on 0\.0\.0\.0, not on this machine only: anyone who can reach .* sees the stream .* and can send messages into it/);
      expect(out).toContain(`ws://0.0.0.0:${port}`);
      expect(out).toContain('third-party page your browser loads from https://stately.ai/inspect');
      expect(listeningAddresses(port)).toEqual([`0.0.0.0:${port}`]);
    } finally {
      relay.kill('SIGINT');
    }
    const [code] = (await once(relay, 'exit')) as [number | null];
    expect(code).toBe(0);
  }, 30_000);

  it('two processes streaming a run each to one relay arrive as two root actors, though xstate numbers both x:0', async () => {
    const relay = await startInspectorRelay({ port: 0 });
    try {
      const viewer = await connect(relay.address.port);
      const worker = () => promisify(execFile)(process.execPath, tsxNodeArgs('test/support/inspect-session-worker.ts', String(relay.address.port)));
      const outputs = await Promise.all([worker(), worker()]);
      const workers = outputs.map((o) => JSON.parse(o.stdout) as { runId: string; pid: number; connected: boolean; sent: number });
      expect(workers.map((w) => w.connected)).toEqual([true, true]);
      await settle();
      const events = viewer.received.map((m) => JSON.parse(m) as { type: string; sessionId: string; rootId?: string; parentId?: string });
      const roots = [...new Set(events.filter((e) => e.type === '@xstate.actor' && e.sessionId === e.rootId).map((e) => e.sessionId))].sort();
      const expected = workers.map((w) => new RegExp(`^${w.runId}/${w.pid}-[0-9a-f]{6}/x:0$`));
      expect(roots).toHaveLength(2);
      expect(roots.filter((id) => expected.some((pattern) => pattern.test(id)))).toEqual(roots);
      // Every event of either run names its own run and process, children included.
      for (const e of events) {
        const owner = workers.find((w) => e.sessionId.startsWith(`${w.runId}/${w.pid}-`));
        expect(owner, e.sessionId).toBeDefined();
        for (const id of [e.rootId, e.parentId]) if (id !== undefined) expect(id.startsWith(`${owner?.runId ?? ''}/${owner?.pid ?? ''}-`)).toBe(true);
      }
      viewer.socket.close();
    } finally {
      await relay.stop();
    }
  }, 30_000);
});
