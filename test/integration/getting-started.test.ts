/**
 * docs/getting-started.md, as a newcomer runs it: `npm start`'s job first (cutter demo on the embedded database), then
 * every line of "What `npm start` leaves" (the demo's runs are stored: list, status, report, replay find them), then
 * every line of "A governed run, step by step" in order, each as its own process in a fresh git work tree standing in
 * for a clone. `npx cutter` is this checkout's CLI; `<run>` is the run id the page's `cutter run` printed. Every line
 * must succeed, the run must end with exactly the page's one new IU enacted and a ledger that verifies, and `git
 * status` must show nothing new: keys, configuration, report and database all land in .cutter/, which ignores itself.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliNodeArgs } from '../support/cli-node.js';

const exec = promisify(execFile);

/** The shell block under a heading of a Markdown page, a command per line. */
function commandsUnder(markdown: string, heading: string): string[] {
  const section = markdown.slice(markdown.indexOf(heading));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

describe('docs/getting-started.md, in order, after npm start', () => {
  let dir = '';
  const cli = cliNodeArgs().map((a) => JSON.stringify(a)).join(' ');
  // `npx cutter …` on the page runs this checkout's CLI; everything else is the shell's.
  const shell = (line: string, env: Record<string, string>) =>
    exec('bash', ['-c', `set -euo pipefail; npx() { shift; ${JSON.stringify(process.execPath)} ${cli} "$@"; }; ${line}`], { cwd: dir, env: { ...process.env, NO_COLOR: '1', ...env } });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cutter-getting-started-'));
    // The page's commands name examples/docs, as in a clone; committed, so that only what the commands add shows.
    await symlink(join(process.cwd(), 'examples'), join(dir, 'examples'));
    await exec('git', ['init', '--quiet'], { cwd: dir });
    await exec('git', ['add', '.'], { cwd: dir });
    await exec('git', ['-c', 'user.name=newcomer', '-c', 'user.email=newcomer@example.com', 'commit', '--quiet', '-m', 'clone'], { cwd: dir });
  }, 60_000);
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  const gitStatus = async () => (await exec('git', ['status', '--porcelain', '--untracked-files=all', '--ignored=no'], { cwd: dir })).stdout;
  /** Runs a page's line, failing with its output if it exits non-zero. */
  const line$ = (line: string, env: Record<string, string>) => shell(line, env).catch((error: unknown) => {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    throw new Error(`"${line}" exited ${String(e.code)}:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  });

  it('npm start runs cutter demo (the stand-in below), whose runs the page\'s next commands find in the store', async () => {
    const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { scripts: { start: string } };
    expect(pkg.scripts.start).toMatch(/ && node dist\/src\/cli\/main\.js demo$/);
    const started = await shell('npx cutter demo', {});
    const runId = /LIVE run ([0-9a-f-]{36}) ended completed/.exec(started.stdout)?.[1] ?? '';
    expect(runId).not.toBe('');

    const lines = commandsUnder(await readFile('docs/getting-started.md', 'utf8'), '### What `npm start` leaves');
    expect(lines.length).toBeGreaterThanOrEqual(5);
    for (const line of lines) {
      const result = await line$(line.replaceAll('<run>', runId), {});
      if (line === 'npx cutter list') {
        expect(result.stdout).toMatch(/DRYRUN\s+completed\s+completed\s+demo-operator/);
        expect(result.stdout).toMatch(new RegExp(`${runId}\\s+LIVE\\s+completed\\s+completed`));
      }
      if (line === 'npx cutter status') expect(result.stdout).toMatch(new RegExp(`run\\s+${runId} \\(LIVE`));
      if (line.startsWith('npx cutter status <run>')) expect(result.stdout).toMatch(/SG_2\s+approved by demo-owner/);
      if (line.startsWith('npx cutter report')) expect(result.stdout).toContain(join('.cutter', 'reports', `cutter-report-${runId}.html`));
      if (line.startsWith('npx cutter replay')) expect(result.stdout).toContain('ok: the journal replays to completed');
      if (line.startsWith('npx cutter log')) expect(result.stdout).toContain(`run ${runId}`);
      if (line.startsWith('npx cutter ledger verify')) expect(result.stdout).toContain('chain intact');
    }
    // Nothing new outside .cutter/ (which ignores itself).
    expect(await gitStatus()).toBe('');
  }, 240_000); // seven CLI processes: up to several seconds apiece on a busy 2-core machine

  it('the governed run works exactly as written', async () => {
    const env: Record<string, string> = {};
    // npm start's job ran in the test above: the demo's IUs are in the target.

    const lines = commandsUnder(await readFile('docs/getting-started.md', 'utf8'), '## A governed run, step by step');
    expect(lines.length).toBeGreaterThan(8);
    let runId = '';
    for (const line of lines) {
      const exported = /^export (\w+)=(\S+)$/.exec(line);
      if (exported?.[1] !== undefined && exported[2] !== undefined) {
        env[exported[1]] = exported[2];
        continue;
      }
      const result = await line$(line.replaceAll('<run>', runId), env);
      if (line.startsWith('npx cutter plan')) expect(result.stdout).toContain('+1 new  ~0 changed  -0 retired  =27 unchanged');
      if (line.startsWith('npx cutter run')) runId = /^run\s+([0-9a-f-]{36})/m.exec(result.stdout)?.[1] ?? '';
      if (line.startsWith('npx cutter approve') && line.includes('--gate enact')) expect(result.stdout).toMatch(/state\s+completed/);
      if (line.startsWith('npx cutter log')) expect(result.stdout).toMatch(/v1\s+enacted\s+cs-/);
      if (line.startsWith('npx cutter ledger verify')) expect(result.stdout).toContain('chain intact');
      if (line.startsWith('npx cutter keys generate')) expect(result.stderr).toContain('is inside the git work tree');
      if (line.startsWith('npx cutter report')) expect(result.stdout).toContain(join('.cutter', 'reports', `cutter-report-${runId}.html`));
    }
    expect(runId).toMatch(/^[0-9a-f-]{36}$/);
    // Nothing new outside .cutter/, and nothing of .cutter/ either: it ignores itself.
    expect(await gitStatus()).toBe('');
    expect(await readFile(join(dir, '.cutter', '.gitignore'), 'utf8')).toBe('*\n');
  }, 180_000);
});
