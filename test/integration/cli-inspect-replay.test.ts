/**
 * `cutter run --inspect` / `cutter approve --inspect` stream a run, sanitised, to a WebSocket relay on this machine,
 * and exit when done whether or not a relay listens; `cutter replay` rebuilds the stored run from its journal,
 * read-only, prints its timeline (or JSON steps), checks it against the stored snapshot, and can stream it too.
 * The relay here is a plain `ws` server on a free port, standing in for `cutter inspector`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { buildProgram, main } from '../../src/cli/main.js';
import { captureTerminal } from '../support/capture-terminal.js';

const BODY_SECRET = 'BODY-SECRET-e41c';

interface Relayed { type: string; sessionId: string; rootId?: string; snapshot?: { value?: unknown }; event?: { type: string } }

/** A relay that keeps every message of every connection, and tells when a connection has closed. */
async function startRelay() {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => { resolve(); }));
  const connections: { messages: string[]; closed: Promise<void> }[] = [];
  server.on('connection', (socket: WebSocket) => {
    const messages: string[] = [];
    const closed = new Promise<void>((resolve) => socket.once('close', () => { resolve(); }));
    socket.on('message', (data: Buffer) => { messages.push(data.toString()); });
    connections.push({ messages, closed });
  });
  return { port: (server.address() as AddressInfo).port, connections, close: () => new Promise<void>((resolve) => { server.close(() => { resolve(); }); }) };
}

/** The machine states a relay connection saw, in order, without repeats. */
const statesSeen = (messages: readonly string[]): unknown[] =>
  messages
    .map((m) => JSON.parse(m) as Relayed)
    .filter((e) => e.type === '@xstate.snapshot' && e.snapshot?.value !== undefined)
    .map((e) => e.snapshot?.value)
    .filter((value, i, all) => i === 0 || JSON.stringify(value) !== JSON.stringify(all[i - 1]));

describe('cutter run --inspect and cutter replay (embedded database)', () => {
  let dir = '';
  let relay: Awaited<ReturnType<typeof startRelay>>;
  let runId = '';
  let signature = '';
  const target = () => ['--data-dir', join(dir, 'db')];
  const config = () => ['--config', join(dir, 'cutter.config.json')];
  const cutter = async (args: string[]) => {
    const terminal = captureTerminal();
    const code = await main(args, terminal);
    return { code, out: terminal.out.join('\n'), err: terminal.err.join('\n') };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cutter-inspect-'));
    relay = await startRelay();
    expect((await cutter(['keys', 'generate', 'alice', '--out', dir])).code).toBe(ExitCode.Ok);
    await writeFile(join(dir, 'cutter.config.json'), JSON.stringify({ approvers: { alice: join(dir, 'alice.pub') } }));
    await writeFile(join(dir, 'policy.md'), `# Policy\n\nThe policy, with ${BODY_SECRET}.\n\n## Scope\n\nAll systems; ${BODY_SECRET}.\n`);
    expect((await cutter(['init', ...target()])).code).toBe(ExitCode.Ok);
  }, 60_000);
  afterAll(async () => {
    await relay.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('run --inspect streams the run to its first gate, says where on stderr, and keeps stdout JSON clean', async () => {
    const started = await cutter(['run', join(dir, 'policy.md'), '--initiator', 'carol', ...config(), ...target(), '--inspect', '--inspect-port', String(relay.port), '--json']);
    expect(started.code).toBe(ExitCode.Ok);
    runId = (JSON.parse(started.out) as { runId: string }).runId;
    expect(started.err).toContain(`ws://127.0.0.1:${relay.port}`);
    expect(started.err).toMatch(/sent \d+ events/);
    const connection = relay.connections[0];
    await connection?.closed;
    expect(statesSeen(connection?.messages ?? [])).toEqual(['idle', 'precheck', 'planning', 'awaitingCutApproval']);
    expect(connection?.messages.join('\n')).not.toContain(BODY_SECRET);
  }, 60_000);

  it('approve --inspect streams the restored run on to SG_2; the approval signature never reaches the relay', async () => {
    const approved = await cutter(['approve', runId, '--gate', 'cut', '--as', 'alice', '--key', join(dir, 'alice.key'), '--reason', 'reviewed', ...config(), ...target(), '--inspect', '--inspect-port', String(relay.port), '--json']);
    expect(approved.code).toBe(ExitCode.Ok);
    const connection = relay.connections[1];
    await connection?.closed;
    expect(statesSeen(connection?.messages ?? [])).toEqual(['awaitingCutApproval', 'backingUp', 'cutting', 'recordingLedger', 'verifying', 'awaitingEnactApproval']);

    const status = await cutter(['status', runId, '--journal', '--json', ...target()]);
    const journal = (JSON.parse(status.out) as { journal: { event: { type: string; approval?: { signature: string } } }[] }).journal;
    signature = journal.find((e) => e.event.type === 'APPROVE')?.event.approval?.signature ?? '';
    expect(signature.length).toBeGreaterThan(20);
    const relayed = connection?.messages.join('\n') ?? '';
    expect(relayed).toContain('"APPROVE"');
    expect(relayed).not.toContain(signature);
    expect(relayed).not.toContain(BODY_SECRET);
  }, 60_000);

  it('replay prints the timeline and says the journal replays to the stored state', async () => {
    const replay = await cutter(['replay', runId, ...target()]);
    expect(replay.code).toBe(ExitCode.Ok);
    expect(replay.out).toMatch(/START\s+idle → precheck/);
    expect(replay.out).toMatch(/cutter\.restored\s+restored at awaitingCutApproval/);
    expect(replay.out).toMatch(/APPROVE\s+awaitingCutApproval → backingUp/);
    expect(replay.out).toContain('ok: the journal replays to awaitingEnactApproval [parked]');
  }, 60_000);

  it('replay --json prints the steps; replay --inspect streams the rebuilt snapshots, sanitised', async () => {
    const json = await cutter(['replay', runId, '--json', ...target()]);
    expect(json.code).toBe(ExitCode.Ok);
    const steps = JSON.parse(json.out) as { seq: number; event: string; after: string; refusals: unknown[] }[];
    expect(steps.map((s) => s.after)).toEqual(['idle', 'precheck', 'planning', 'awaitingCutApproval', 'awaitingCutApproval', 'backingUp', 'cutting', 'recordingLedger', 'verifying', 'awaitingEnactApproval']);
    expect(json.out).not.toContain(signature);

    const streamed = await cutter(['replay', runId, ...target(), '--inspect', '--inspect-port', String(relay.port), '--json']);
    expect(streamed.code).toBe(ExitCode.Ok);
    const connection = relay.connections[2];
    await connection?.closed;
    expect(statesSeen(connection?.messages ?? [])).toEqual(['idle', 'precheck', 'planning', 'awaitingCutApproval', 'backingUp', 'cutting', 'recordingLedger', 'verifying', 'awaitingEnactApproval']);
    expect(connection?.messages.join('\n')).not.toContain(signature);
  }, 60_000);

  it('with no relay listening, run --inspect still finishes, exits, and says nothing was streamed', async () => {
    const vacant = await startRelay();
    await vacant.close();
    const started = await cutter(['run', join(dir, 'policy.md'), '--initiator', 'carol', ...config(), ...target(), '--inspect', '--inspect-port', String(vacant.port)]);
    expect(started.code).toBe(ExitCode.Ok);
    expect(started.err).toContain('nothing was streamed');
    expect((await cutter(['run', join(dir, 'policy.md'), ...target(), '--inspect', '--inspect-port', 'eighty'])).code).toBe(ExitCode.InvalidInput);
  }, 60_000);

  it('replay of an unknown run exits 3; --help of run and replay names every option', async () => {
    expect((await cutter(['replay', 'no-such-run', ...target()])).code).toBe(ExitCode.InvalidInput);
    const commands = buildProgram(captureTerminal(), () => undefined).commands;
    const help = (name: string) => commands.find((c) => c.name() === name)?.helpInformation() ?? '';
    for (const option of ['--inspect', '--inspect-port <port>', '--json', '--database-url <url>', '--data-dir <dir>']) {
      expect(help('replay')).toContain(option);
      expect(help('run')).toContain(option);
      expect(help('resume')).toContain(option);
    }
  });
});
