/**
 * The embedded data folder's lock, in process: one holder at a time, the holder named to whoever is refused, waiting,
 * and the takeover of a lock whose process is gone, by exactly one of the processes racing for it (issue 15, point 6).
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirBusy } from '../../../src/postgres/providers/data-dir-busy.js';
import { holderIsAlive, LOCK_FILE, readLockFile, type DataDirHolder } from '../../../src/postgres/providers/data-dir-holder.js';
import { acquireDataDirLock, type DataDirLock } from '../../../src/postgres/providers/data-dir-lock.js';

/** The pid of a process that has exited: what a crashed holder leaves behind. */
const deadPid = (() => {
  const { pid } = spawnSync(process.execPath, ['-e', '']);
  if (pid === undefined) throw new Error('could not spawn a process to get a dead pid');
  return pid;
})();

let dir = '';
const lockPath = () => join(dir, LOCK_FILE);
const staleLock = (overrides: Partial<DataDirHolder> = {}): DataDirHolder =>
  ({ pid: deadPid, host: hostname(), command: 'cutter run', since: '2026-01-01T00:00:00.000Z', nonce: 'crashed', ...overrides });
const writeLock = (holder: DataDirHolder, path = lockPath()) => writeFile(path, JSON.stringify(holder));
const lockOnDisk = async () => JSON.parse(await readFile(lockPath(), 'utf8')) as DataDirHolder;
const busyOf = async (taking: Promise<unknown>): Promise<DataDirBusy> => {
  const error = await taking.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(DataDirBusy);
  return error as DataDirBusy;
};

beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'cutter-lock-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

describe('the embedded data folder lock', () => {
  it('is held by one process: a second taker is refused naming pid, host, command and since; once released it is taken', async () => {
    const first = await acquireDataDirLock(dir, { command: 'cutter run' });
    expect(await lockOnDisk()).toEqual({ ...first.holder, pid: process.pid, host: hostname(), command: 'cutter run' });
    const busy = await busyOf(acquireDataDirLock(dir, { command: 'cutter list' }));
    expect(busy).toMatchObject({ code: 'E_TARGET_BUSY', holder: { pid: process.pid, command: 'cutter run', since: first.holder.since } });
    expect(busy.message).toContain(`pid ${process.pid} on ${hostname()} (cutter run, since ${first.holder.since})`);
    expect(busy.hint).toContain('--wait');

    await first.release();
    await expect(readFile(lockPath())).rejects.toMatchObject({ code: 'ENOENT' });
    const second = await acquireDataDirLock(dir, { command: 'cutter list' });
    expect((await lockOnDisk()).nonce).toBe(second.holder.nonce);
    await second.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('takes over a lock whose process is gone, and one an earlier process with this same pid left', async () => {
    await writeLock(staleLock());
    const taken = await acquireDataDirLock(dir);
    expect(await lockOnDisk()).toMatchObject({ pid: process.pid, nonce: taken.holder.nonce });
    await taken.release();

    await writeLock(staleLock({ pid: process.pid, nonce: 'before-a-container-restart' }));
    const again = await acquireDataDirLock(dir);
    expect((await lockOnDisk()).nonce).toBe(again.holder.nonce);
    await again.release();
  });

  it('never takes over a holder on another host, which it cannot check', async () => {
    await writeLock(staleLock({ host: 'elsewhere' }));
    const busy = await busyOf(acquireDataDirLock(dir));
    expect(busy.message).toContain(`pid ${deadPid} on elsewhere`);
    expect(busy.hint).toContain(`delete ${lockPath()}`);
    expect((await lockOnDisk()).host).toBe('elsewhere');
  });

  it('many takers racing for one stale lock: exactly one wins, every other is refused naming the winner or the stale holder', async () => {
    for (let round = 0; round < 20; round += 1) {
      await writeLock(staleLock({ nonce: `crashed-${round}` }));
      const outcomes = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => acquireDataDirLock(dir, { command: `taker ${i}` })));
      const winners = outcomes.filter((o): o is PromiseFulfilledResult<DataDirLock> => o.status === 'fulfilled').map((o) => o.value);
      expect(winners, `round ${round}`).toHaveLength(1);
      const [winner] = winners;
      for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(DataDirBusy);
      expect((await lockOnDisk()).nonce).toBe(winner?.holder.nonce);
      await winner?.release();
      expect(await readdir(dir), 'no lock, draft or takeover guard left behind').toEqual([]);
    }
  });

  it('a taker that judged the lock stale before another took it over does not delete the new holder\'s lock', async () => {
    await writeLock(staleLock());
    let judging: () => void = () => undefined;
    const judged = new Promise<void>((resolve) => { judging = resolve; });
    let answer: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => { answer = resolve; });
    // The slow taker reads the stale lock and asks whether its process runs; the answer ("no") comes only after
    // another taker has taken the folder over. Deleting what it read as stale would now delete that taker's lock.
    const slow = acquireDataDirLock(dir, {
      command: 'slow taker',
      isHolderAlive: async (holder) => {
        if (holder.pid === deadPid) { judging(); await answered; }
        return holderIsAlive(holder);
      },
    });
    await judged;
    const fast = await acquireDataDirLock(dir, { command: 'fast taker' });
    answer();
    const busy = await busyOf(slow);
    expect(busy.holder).toMatchObject({ nonce: fast.holder.nonce, command: 'fast taker' });
    expect((await lockOnDisk()).nonce).toBe(fast.holder.nonce);
    await fast.release();
  });

  it('takes over the takeover guard of a taker that died halfway through', async () => {
    await writeLock(staleLock());
    const stale = await readLockFile(lockPath());
    await writeLock(staleLock({ nonce: 'died-while-taking-over' }), `${lockPath()}.takeover-${stale?.id ?? ''}`);
    const taken = await acquireDataDirLock(dir);
    expect((await lockOnDisk()).nonce).toBe(taken.holder.nonce);
    expect(await readdir(dir)).toEqual([LOCK_FILE]);
    await taken.release();
  });

  it('with waitMs it waits, says so once naming the holder, and takes the folder when it is released; it gives up when the time is out', async () => {
    const holding = await acquireDataDirLock(dir, { command: 'cutter run' });
    const waits: (DataDirHolder | null)[] = [];
    const waiting = acquireDataDirLock(dir, { command: 'cutter list', waitMs: 10_000, onWait: (h) => waits.push(h) });
    setTimeout(() => { void holding.release(); }, 400);
    const started = Date.now();
    const taken = await waiting;
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(waits).toEqual([holding.holder]);
    expect(Date.parse(taken.holder.since), 'since: when it took the folder, not when it began to wait').toBeGreaterThanOrEqual(started + 300);
    expect((await lockOnDisk()).command).toBe('cutter list');

    const started2 = Date.now();
    const busy = await busyOf(acquireDataDirLock(dir, { waitMs: 300 }));
    expect(Date.now() - started2).toBeGreaterThanOrEqual(300);
    expect(busy.message).toContain('waited 0.3 s');
    await taken.release();
  });
});
