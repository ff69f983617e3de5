/**
 * Where the CLI writes by default, and how: everything under .cutter/ (which ignores itself in git), private keys 0600
 * in a 0700 folder, a warning when a private key lands in a git work tree, and an existing key never overwritten
 * unasked. In process, in a fresh folder per test (process.chdir: vitest runs each file in its own process).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultReportPath } from '../../../src/cli/commands/report.js';
import { ExitCode } from '../../../src/cli/exit-codes.js';
import { main } from '../../../src/cli/main.js';
import { writeOutputFile } from '../../../src/cli/output-file.js';
import { loadConfig } from '../../../src/config/config.js';
import { captureTerminal } from '../../support/capture-terminal.js';

const mode = async (path: string) => (await stat(path)).mode & 0o777;
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' });

describe('files the CLI writes', () => {
  const home = process.cwd();
  // Set, not read: the test's own process (vitest forks one per file) starts from the usual 022.
  const UMASK = 0o022;
  let dir = '';

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cutter-files-'));
    process.chdir(dir);
  });
  afterEach(async () => {
    process.chdir(home);
    process.umask(UMASK);
    await rm(dir, { recursive: true, force: true });
  });

  it('keys generate writes into .cutter/keys/: the private key 0600 in a 0700 folder whatever the umask; .cutter/ ignores itself; git shows nothing new, and it warns on stderr', async () => {
    git(dir, 'init', '--quiet');
    process.umask(0);
    const terminal = captureTerminal();
    expect(await main(['keys', 'generate', 'alice'], terminal)).toBe(ExitCode.Ok);
    expect(await mode('.cutter/keys/alice.key')).toBe(0o600);
    expect(await mode('.cutter/keys')).toBe(0o700);
    expect(await readFile('.cutter/keys/alice.pub', 'utf8')).toContain('BEGIN PUBLIC KEY');
    expect(await readFile('.cutter/.gitignore', 'utf8')).toBe('*\n');
    expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe('');
    // The path it prints is the one the default configuration file (.cutter/cutter.config.json) reads, relative to it.
    expect(terminal.out.join('\n')).toContain('add to .cutter/cutter.config.json: "approvers": { "alice": "keys/alice.pub" }');
    expect(terminal.err.join('\n')).toMatch(/^warning: the private key \.cutter\/keys\/alice\.key is inside the git work tree .*\(git ignores it here/);
  });

  it('a private key written where git would add it gets the loud warning; outside a work tree, none', async () => {
    git(dir, 'init', '--quiet');
    const inTree = captureTerminal();
    expect(await main(['keys', 'generate', 'bob', '--out', 'keys'], inTree)).toBe(ExitCode.Ok);
    expect(inTree.err.join('\n')).toContain('git does NOT ignore it');
    expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toContain('keys/bob.key');

    await rm(join(dir, '.git'), { recursive: true });
    const outside = captureTerminal();
    expect(await main(['keys', 'generate', 'carol', '--out', 'keys'], outside)).toBe(ExitCode.Ok);
    expect(outside.err).toEqual([]);
  });

  it('keys generate for an existing name is refused naming the file and --force, and writes nothing; --force replaces the pair', async () => {
    expect(await main(['keys', 'generate', 'alice'], captureTerminal())).toBe(ExitCode.Ok);
    const before = await readFile('.cutter/keys/alice.key', 'utf8');
    await rm('.cutter/keys/alice.key');
    await writeFile('.cutter/keys/alice.key', before, { mode: 0o644 });

    const again = captureTerminal();
    expect(await main(['keys', 'generate', 'alice'], again)).toBe(ExitCode.InvalidInput);
    const said = again.err.join('\n');
    expect(said).toContain('E_KEY_EXISTS');
    expect(said).toContain('.cutter/keys/alice.key');
    expect(said).toContain('--force');
    expect(await readFile('.cutter/keys/alice.key', 'utf8')).toBe(before);

    // Only the public half left over still blocks: both files are checked before either is written.
    await rm('.cutter/keys/alice.key');
    expect(await main(['keys', 'generate', 'alice'], captureTerminal())).toBe(ExitCode.InvalidInput);
    await expect(stat('.cutter/keys/alice.key')).rejects.toMatchObject({ code: 'ENOENT' });

    expect(await main(['keys', 'generate', 'alice', '--force'], captureTerminal())).toBe(ExitCode.Ok);
    expect(await readFile('.cutter/keys/alice.key', 'utf8')).not.toBe(before);
    expect(await mode('.cutter/keys/alice.key')).toBe(0o600);
  });

  it('the configuration is read from .cutter/cutter.config.json, with key paths relative to it; two default files are refused', async () => {
    expect(await main(['keys', 'generate', 'alice'], captureTerminal())).toBe(ExitCode.Ok);
    await writeFile('.cutter/cutter.config.json', JSON.stringify({ approvers: { alice: 'keys/alice.pub' } }));
    const config = await loadConfig(undefined, {});
    expect(config.source).toBe(join(await realCwd(), '.cutter', 'cutter.config.json'));
    expect(config.approvers.alice).toContain('BEGIN PUBLIC KEY');

    await writeFile('cutter.config.json', '{}');
    await expect(loadConfig(undefined, {})).rejects.toMatchObject({ code: 'E_INVALID_INPUT', field: 'config', message: expect.stringContaining('both ./cutter.config.json and .cutter/cutter.config.json exist') });
    expect((await loadConfig('cutter.config.json', {})).approvers).toEqual({});
  });

  it('a report goes to .cutter/reports/ by default; an --out that cannot be written is refused naming it, the path and why', async () => {
    expect(defaultReportPath('26a2eb99')).toBe(join('.cutter', 'reports', 'cutter-report-26a2eb99.html'));
    expect(await writeOutputFile(defaultReportPath('26a2eb99'), '<html>')).toBe(join(await realCwd(), '.cutter', 'reports', 'cutter-report-26a2eb99.html'));
    expect(await readFile('.cutter/.gitignore', 'utf8')).toBe('*\n');
    await writeFile('a-file', '');
    await expect(writeOutputFile('a-file/report.html', 'x')).rejects.toMatchObject({ code: 'E_INVALID_INPUT', field: 'out', message: expect.stringContaining('cannot write a-file/report.html') });
  });
});

/** The working folder as the OS resolves it (tmpdir may be a symlink). */
function realCwd(): Promise<string> {
  return realpath(process.cwd());
}
