/**
 * acquireDataDirLock (a library export, also what the CLI's embedded target takes) given a lock file it cannot use:
 * a named E_INVALID_INPUT (DataDirLockUnusable) at once, never a hang, a busy loop, a read of /dev/zero or a raw
 * EISDIR / EACCES. The CLI's side of it, as another user, is in the bad-input corpus (bad-input/hangs.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors/index.js';
import { LOCK_FILE, MAX_LOCK_FILE_BYTES } from '../../../src/postgres/providers/data-dir-holder.js';
import { acquireDataDirLock } from '../../../src/postgres/providers/data-dir-lock.js';
import { DataDirLockUnusable } from '../../../src/postgres/providers/data-dir-lock-unusable.js';

let dir = '';
const lock = () => join(dir, LOCK_FILE);
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'cutter-lock-unusable-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

async function refusal(taking: Promise<unknown>): Promise<DataDirLockUnusable> {
  const error = await taking.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(DataDirLockUnusable);
  const unusable = error as DataDirLockUnusable;
  expect(unusable.code).toBe(ErrorCode.InvalidInput);
  expect(unusable.field).toBe('dataDir');
  expect(unusable.message).toContain(dir);
  return unusable;
}

describe('a lock file Cutter cannot use', () => {
  const cases: [string, () => Promise<void>, string, string][] = [
    ['a FIFO (read would block for ever)', () => { execFileSync('mkfifo', [lock()]); return Promise.resolve(); }, 'is a FIFO (named pipe), not a lock file', `rm ${join('DIR', LOCK_FILE)}`],
    ['a folder', () => mkdir(lock()), 'is a folder, not a lock file', `rm -r ${join('DIR', LOCK_FILE)}`],
    ['a dangling symlink (the create kept failing, the read found nothing: a busy loop)', () => symlink(join(dir, 'nowhere'), lock()), 'is a symbolic link', 'rm '],
    ['a symlink to /dev/zero (read without end)', () => symlink('/dev/zero', lock()), 'is a symbolic link', 'rm '],
    ['a file far larger than a lock', () => writeFile(lock(), Buffer.alloc(MAX_LOCK_FILE_BYTES + 1, 32)), `holds ${MAX_LOCK_FILE_BYTES + 1} bytes`, 'rm '],
  ];

  it.each(cases)('%s: refused at once, naming the file and how to clear it; the file is left as it was', async (_what, make, why, fix) => {
    await make();
    const before = await lstat(lock());
    const error = await refusal(acquireDataDirLock(dir, { waitMs: 60_000 }));
    expect(error.message).toContain(`${lock()} ${why}`);
    expect(error.lockFile).toBe(lock());
    expect(error.hint).toContain(fix.replace('DIR', dir));
    expect((await lstat(lock())).mode).toBe(before.mode);
    // No draft left behind, nothing else made.
    expect(await readdir(dir)).toEqual([LOCK_FILE]);
  });

  it('a folder that cannot be made (a file where a parent should be): named, with the permissions fix', async () => {
    await writeFile(join(dir, 'file'), 'x');
    const error = await refusal(acquireDataDirLock(join(dir, 'file', 'db')));
    expect(error.message).toContain('cannot be written: a part of the path is not a folder (ENOTDIR)');
    expect(error.hint).toContain('readable and writable by the user running Cutter');
  });
});
