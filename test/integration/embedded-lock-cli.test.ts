/**
 * Issue 15, point 6, with real processes on one embedded data folder: one process at a time opens it. Parallel
 * `cutter init` and `cutter run`: one proceeds, the others are told the folder is busy (exit 4, E_TARGET_BUSY,
 * naming the holder's pid and command), and nothing is lost. `--wait` waits for the holder, then proceeds. A holder
 * killed with SIGKILL leaves its lock, which the next command takes over; SIGTERM releases it.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { LOCK_FILE, type DataDirHolder } from '../../src/postgres/providers/data-dir-holder.js';
import { acquireDataDirLock } from '../../src/postgres/providers/data-dir-lock.js';
import { cliNodeArgs } from '../support/cli-node.js';
import { tsxNodeArgs } from '../support/tsx-node.js';

interface Ended { readonly code: number | null; readonly signal: NodeJS.Signals | null; readonly stdout: string; readonly stderr: string }
interface Started { readonly pid: number; readonly ended: Promise<Ended>; readonly output: () => { stdout: string; stderr: string }; kill(signal: NodeJS.Signals): void }

let dir = '';
const dataDir = () => join(dir, 'db');

/** Starts a child process: the compiled CLI, or a TypeScript file of the suite under tsx. */
function start(script: string, args: string[]): Started {
  const child = spawn(process.execPath, script === CUTTER ? cliNodeArgs(...args) : tsxNodeArgs(script, ...args), { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const ended = new Promise<Ended>((resolve) => { child.on('close', (code, signal) => { resolve({ code, signal, stdout, stderr }); }); });
  if (child.pid === undefined) throw new Error(`could not start ${script}`);
  return { pid: child.pid, ended, output: () => ({ stdout, stderr }), kill: (signal) => child.kill(signal) };
}
const CUTTER = 'cutter';
const cutter = (...args: string[]) => start(CUTTER, [...args, '--data-dir', dataDir()]);
const holder = () => start('test/support/hold-data-dir.ts', [dataDir()]);

async function until(what: string, seen: () => boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!seen()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** One process proceeded; every other was refused, naming it as the holder. */
function expectOneProceededOthersBusy(started: readonly Started[], ended: readonly Ended[], command: string): Ended {
  const winners = ended.filter((e) => e.code === ExitCode.Ok);
  expect(winners, ended.map((e) => `${String(e.code)}: ${e.stderr}`).join('\n')).toHaveLength(1);
  const winnerPid = started[ended.findIndex((e) => e.code === ExitCode.Ok)]?.pid;
  for (const refused of ended.filter((e) => e.code !== ExitCode.Ok)) {
    expect(refused.code, refused.stderr).toBe(ExitCode.Refused);
    expect(refused.stderr).toContain('error E_TARGET_BUSY: the embedded database in');
    expect(refused.stderr).toMatch(new RegExp(`is open in pid ${String(winnerPid)} on \\S+ \\(${command}, since \\d{4}-`));
    expect(refused.stderr).toContain('hint:');
  }
  return winners[0] as Ended;
}

describe('the embedded target serves one process at a time (real CLI processes on one data folder)', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cutter-embedded-lock-'));
    for (const name of ['alpha', 'beta', 'gamma']) {
      await writeFile(join(dir, `${name}.md`), `# ${name}\n\nThe ${name} policy.\n\n## Scope\n\nAll of ${name}.\n`);
    }
  });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('two `cutter init` at once on a new folder: one initialises, the other is told the folder is busy; the folder works afterwards', async () => {
    const started = [cutter('init'), cutter('init')];
    const ended = await Promise.all(started.map((s) => s.ended));
    const winner = expectOneProceededOthersBusy(started, ended, 'cutter init');
    expect(winner.stdout).toContain('applied migrations');
    const again = await cutter('init').ended;
    expect(again.code, again.stderr).toBe(ExitCode.Ok);
    expect(again.stdout).toContain('cutter schema is up to date');
  }, 120_000);

  it('three `cutter run` at once: one proceeds, two are told the folder is busy, and `cutter list` shows exactly the run that was created', async () => {
    const started = ['alpha', 'beta', 'gamma'].map((name) => cutter('run', join(dir, `${name}.md`), '--json'));
    const ended = await Promise.all(started.map((s) => s.ended));
    const winner = expectOneProceededOthersBusy(started, ended, 'cutter run');
    const run = JSON.parse(winner.stdout) as { runId: string; state: string };
    const listed = await cutter('list', '--json').ended;
    expect(listed.code, listed.stderr).toBe(ExitCode.Ok);
    const runs = JSON.parse(listed.stdout) as { runId: string; state: string }[];
    expect(runs.map((r) => [r.runId, r.state])).toEqual([[run.runId, run.state]]);
    expect(run.state).not.toBe('idle');
  }, 120_000);

  it('`--wait` waits for the process that has the folder open, says so naming it, then proceeds', async () => {
    const held = await acquireDataDirLock(dataDir(), { command: 'test holder' });
    const waiting = cutter('list', '--json', '--wait', '60');
    try {
      await until('the waiting line', () => waiting.output().stderr.includes('waiting up to 60 s'));
    } finally {
      await held.release();
    }
    const ended = await waiting.ended;
    expect(ended.code, ended.stderr).toBe(ExitCode.Ok);
    expect(ended.stderr).toContain(`is open in pid ${String(process.pid)} on`);
    expect(ended.stderr).toContain('(test holder, since');
    expect(JSON.parse(ended.stdout)).toHaveLength(1);
  }, 120_000);

  it('a holder killed with SIGKILL leaves its lock, and the next command takes it over with nothing lost; SIGTERM releases the lock', async () => {
    const lockPath = join(dataDir(), LOCK_FILE);
    const killed = holder();
    await until('the holder to open the folder', () => killed.output().stdout.includes('ready'));
    killed.kill('SIGKILL');
    expect((await killed.ended).signal).toBe('SIGKILL');
    expect(JSON.parse(await readFile(lockPath, 'utf8'))).toMatchObject({ pid: killed.pid, command: 'test holder' } satisfies Partial<DataDirHolder>);
    const listed = await cutter('list', '--json').ended;
    expect(listed.code, listed.stderr).toBe(ExitCode.Ok);
    expect(JSON.parse(listed.stdout)).toHaveLength(1);
    expect(existsSync(lockPath)).toBe(false);

    const stopped = holder();
    await until('the holder to open the folder', () => stopped.output().stdout.includes('ready'));
    expect(existsSync(lockPath)).toBe(true);
    stopped.kill('SIGTERM');
    expect((await stopped.ended).signal).toBe('SIGTERM');
    expect(existsSync(lockPath)).toBe(false);
  }, 120_000);
});
