/**
 * The bad-input corpus, part 3: the inputs that hung or grew memory without bound (issue 18): a FIFO as a source, a
 * config or a key; a source symlinked to /dev/zero; a --data-dir under /proc; and the ones that need another user to
 * mean anything (an unwritable folder, an unreadable file: root reads and writes anything). They run in one spawned
 * process (as `nobody` when the tests run as root) with a hard timeout and a small heap, so a regression fails here
 * instead of hanging or exhausting the test worker.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/cli/exit-codes.js';
import { tsxNodeArgs } from '../../support/tsx-node.js';

const exec = promisify(execFile);
const dir = join(tmpdir(), `cutter-bad-hangs-${randomBytes(4).toString('hex')}`);
const at = (name: string) => join(dir, name);
const never = at('target-never-opened');
const lockIn = (folder: string) => join(at(folder), 'cutter.lock');
/** Each command must be refused up front; the whole batch gets this long, the process is killed after it. */
const PER_COMMAND_MS = 3000;

interface HangCase { readonly name: string; readonly args: readonly string[]; readonly names: readonly string[] }
const cases: HangCase[] = [
  { name: 'a FIFO as a Markdown source', args: ['plan', at('fifo.md'), '--data-dir', never], names: [at('fifo.md'), 'is a FIFO (named pipe), not a regular file'] },
  { name: 'a FIFO as a plan file for cutter run', args: ['run', at('fifo.json'), '--data-dir', never], names: [at('fifo.json'), 'is a FIFO'] },
  { name: 'a source symlinked to /dev/zero', args: ['plan', at('zero.json'), '--data-dir', never], names: [at('zero.json'), 'is a character device, not a regular file'] },
  { name: 'a FIFO as the configuration', args: ['config', 'check', '--config', at('fifo.json')], names: [at('fifo.json'), 'is a FIFO'] },
  { name: 'a FIFO as --key', args: ['approve', 'run-x', '--gate', 'cut', '--as', 'alice', '--reason', 'r', '--key', at('fifo.key'), '--data-dir', never], names: [at('fifo.key'), 'is a FIFO'] },
  { name: 'a FIFO as an approval file', args: ['approve', 'run-x', '--file', at('fifo.json'), '--data-dir', never], names: [at('fifo.json'), 'is a FIFO'] },
  { name: 'a --data-dir under /proc', args: ['status', '--data-dir', '/proc/self/cutter'], names: ['/proc/self/cutter is in /proc, a virtual file system'] },
  { name: 'a --data-dir in a folder that cannot be written', args: ['status', '--data-dir', join(at('read-only'), 'db')], names: [`cannot be made: ${at('read-only')} cannot be written`] },
  { name: 'an unwritable --data-dir', args: ['status', '--data-dir', at('read-only')], names: [`${at('read-only')} cannot be written by this user`] },
  { name: 'an unreadable source', args: ['plan', at('secret.md'), '--data-dir', never], names: [at('secret.md'), 'permission denied'] },
  // The embedded folder's lock file (cutter.lock), in folders anyone may write: a FIFO blocked the read for ever, a
  // dangling link looped, a link to /dev/zero filled memory, a folder or an unreadable file was E_UNEXPECTED.
  { name: 'a FIFO in place of the lock file', args: ['status', '--data-dir', at('lock-fifo')], names: [`${lockIn('lock-fifo')} is a FIFO (named pipe), not a lock file`, `rm ${lockIn('lock-fifo')}`] },
  { name: 'a folder in place of the lock file', args: ['list', '--data-dir', at('lock-folder')], names: [`${lockIn('lock-folder')} is a folder, not a lock file`, `rm -r ${lockIn('lock-folder')}`] },
  { name: 'a dangling symlink in place of the lock file', args: ['status', '--data-dir', at('lock-dangling')], names: [`${lockIn('lock-dangling')} is a symbolic link`] },
  { name: 'a symlink to /dev/zero in place of the lock file', args: ['status', '--data-dir', at('lock-zero')], names: [`${lockIn('lock-zero')} is a symbolic link`] },
  { name: 'a lock file this user cannot read', args: ['status', '--data-dir', at('lock-unreadable')], names: [`${lockIn('lock-unreadable')} cannot be read: permission denied`, 'fix the owner or mode'] },
  { name: 'a stale lock file this user cannot remove (sticky folder)', args: ['status', '--data-dir', at('lock-sticky')], names: [`${lockIn('lock-sticky')} cannot be removed: permission denied`, 'fix the owner or mode'] },
  { name: 'keys generate --out an unwritable folder', args: ['keys', 'generate', 'bob', '--out', join(at('read-only'), 'keys')], names: ['out', join(at('read-only'), 'keys')] },
];

let results: { args: string[]; exit: number; text: string; ms: number }[] = [];

beforeAll(async () => {
  await mkdir(dir, { mode: 0o755 });
  await exec('mkfifo', [at('fifo.md'), at('fifo.json'), at('fifo.key')]);
  await chmod(at('fifo.md'), 0o644);
  await symlink('/dev/zero', at('zero.json'));
  await mkdir(at('read-only'));
  await writeFile(join(at('read-only'), 'notes.txt'), 'x');
  await chmod(at('read-only'), 0o555);
  for (const folder of ['lock-fifo', 'lock-folder', 'lock-dangling', 'lock-zero', 'lock-unreadable', 'lock-sticky']) await mkdir(at(folder));
  await exec('mkfifo', [lockIn('lock-fifo')]);
  await mkdir(lockIn('lock-folder'));
  await symlink(at('nowhere'), lockIn('lock-dangling'));
  await symlink('/dev/zero', lockIn('lock-zero'));
  await writeFile(lockIn('lock-unreadable'), '{}', { mode: 0o600 });
  // A lock naming a process that is gone, owned by root in a sticky folder: nobody may not delete it to take over.
  await writeFile(lockIn('lock-sticky'), JSON.stringify({ pid: 4_000_000, host: hostname(), command: 'cutter run', since: '2026-01-01T00:00:00Z', nonce: 'gone' }), { mode: 0o644 });
  for (const folder of ['lock-fifo', 'lock-folder', 'lock-dangling', 'lock-zero', 'lock-unreadable']) await chmod(at(folder), 0o777);
  await chmod(at('lock-sticky'), 0o1777);
  await writeFile(at('secret.md'), '# Secret\n\nText.\n', { mode: 0o000 });
  await chmod(at('secret.md'), 0o000);
  // Root ignores permissions: run as nobody then, which can read the scratch folder (0755) and the repository.
  const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const started = Date.now();
  const { stdout } = await exec(process.execPath, ['--max-old-space-size=256', ...tsxNodeArgs('test/support/bad-input-worker.ts', JSON.stringify(cases.map((c) => c.args)))], {
    ...asNobody, timeout: 20_000 + PER_COMMAND_MS * cases.length, killSignal: 'SIGKILL', env: { ...process.env, HOME: tmpdir() }, maxBuffer: 1024 * 1024,
  });
  results = stdout.trim().split('\n').map((line) => JSON.parse(line) as (typeof results)[number]);
  expect(Date.now() - started).toBeLessThan(20_000 + PER_COMMAND_MS * cases.length);
}, 60_000 + PER_COMMAND_MS * cases.length);

afterAll(async () => {
  await chmod(at('read-only'), 0o755).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

describe('inputs that used to hang or fill memory are refused at once, naming the file (one spawned process)', () => {
  it.each(cases)('$name', (c) => {
    const result = results.find((r) => JSON.stringify(r.args) === JSON.stringify(c.args));
    expect(result, 'the worker did not get to this command').toBeDefined();
    if (result === undefined) return;
    expect(result.exit, result.text).toBe(ExitCode.InvalidInput);
    expect(result.text).toContain('error E_INVALID_INPUT:');
    expect(result.text).toContain('hint:');
    for (const name of c.names) expect(result.text).toContain(name);
    expect(result.ms).toBeLessThan(PER_COMMAND_MS);
  });

  it('nothing was made: no target folder, no key folder', async () => {
    const { access } = await import('node:fs/promises');
    await expect(access(never)).rejects.toThrow();
    await expect(access(join(at('read-only'), 'keys'))).rejects.toThrow();
    await expect(access(join(at('read-only'), 'db'))).rejects.toThrow();
    // The lock files were left as they were found, and no database was made beside them.
    expect((await lstat(lockIn('lock-fifo'))).isFIFO()).toBe(true);
    expect((await lstat(lockIn('lock-sticky'))).isFile()).toBe(true);
    for (const folder of ['lock-fifo', 'lock-folder', 'lock-sticky']) await expect(access(join(at(folder), 'PG_VERSION'))).rejects.toThrow();
  });
});
