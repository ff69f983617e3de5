import { unlinkSync } from 'node:fs';
import { link, mkdir, rm, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CutterError } from '../../errors/index.js';
import { DataDirBusy } from './data-dir-busy.js';
import { DataDirLockUnusable } from './data-dir-lock-unusable.js';
import { heldNonces, holderIsAlive, holderRecord, LOCK_FILE, lockNonceSync, readLockFile, type DataDirHolder, type HolderLiveness, type LockFileContent } from './data-dir-holder.js';

/** How a process takes an embedded data folder. */
export interface DataDirLockOptions {
  /** What is opening it, recorded for whoever finds it busy. (Default: `library (<script>)`.) */
  readonly command?: string;
  /** How long to wait for another process to close the folder before refusing with `E_TARGET_BUSY`. (Default: 0.) */
  readonly waitMs?: number;
  /** Called once, when this process starts to wait, with who has the folder open. */
  readonly onWait?: (holder: DataDirHolder | null) => void;
  /**
   * Whether the process a lock names still runs. (Default: same host and boot, and its pid answers signal 0; a holder
   * on another host counts as alive.) A host sharing a folder across machines can supply a better answer.
   */
  readonly isHolderAlive?: HolderLiveness;
}

/** A data folder this process holds, until `release`. */
export interface DataDirLock {
  readonly holder: DataDirHolder;
  release(): Promise<void>;
}

type Claim = { readonly acquired: true } | { readonly acquired: false; readonly holder: DataDirHolder | null };

/** Lock file path → nonce of the locks this process holds: released synchronously should the process exit with them. */
const held = new Map<string, string>();

/**
 * Takes the folder's lock (`cutter.lock`, the JSON of {@link DataDirHolder}), waiting up to `waitMs` with backoff,
 * or throws {@link DataDirBusy} naming the holder. The lock is created whole and atomically: written to a file of its
 * own, then hard-linked to its name, which fails if the name exists. A lock whose process is gone is taken over, by
 * exactly one process however many race for it (see `removeStale`). A lock file that cannot be used (not a regular
 * file, unreadable, or a folder that refuses it) is {@link DataDirLockUnusable}, at once: waiting would not cure it.
 */
export async function acquireDataDirLock(dataDir: string, options: DataDirLockOptions = {}): Promise<DataDirLock> {
  const path = join(dataDir, LOCK_FILE);
  const isAlive = options.isHolderAlive ?? holderIsAlive;
  const waitMs = options.waitMs ?? 0;
  let record = holderRecord(options.command ?? `library (${basename(process.argv[1] ?? process.argv0)})`);
  try {
    await mkdir(dataDir, { recursive: true });
  } catch (error) {
    throw DataDirLockUnusable.refused(dataDir, path, 'written', error);
  }
  const started = Date.now();
  let delay = 50;
  let announced = false;
  // Known as held before the file exists, so that no racer of this process takes the fresh lock for a stale one.
  heldNonces.add(record.nonce);
  try {
    for (;;) {
      // `since` says when it took the folder, not when it began to wait for it.
      record = { ...record, since: new Date().toISOString() };
      const claim = await claimLock(path, record, isAlive);
      if (claim.acquired) break;
      const waited = Date.now() - started;
      if (waited >= waitMs) throw new DataDirBusy(dataDir, claim.holder, waitMs);
      if (!announced) options.onWait?.(claim.holder);
      announced = true;
      await sleep(Math.min(delay, waitMs - waited));
      delay = Math.min(delay * 2, 1000);
    }
  } catch (error) {
    heldNonces.delete(record.nonce);
    // The file system's own refusals (the draft or the link cannot be written) are named; Cutter's errors pass.
    throw error instanceof CutterError || typeof (error as NodeJS.ErrnoException | null)?.code !== 'string' ? error : DataDirLockUnusable.refused(dataDir, path, 'written', error);
  }
  held.set(path, record.nonce);
  watchExit();
  let released = false;
  const taken = record;
  return {
    holder: taken,
    async release() {
      if (released) return;
      released = true;
      held.delete(path);
      if (held.size === 0) unwatchExit();
      try {
        await removeIfOurs(path, taken.nonce);
      } finally {
        heldNonces.delete(taken.nonce);
      }
    },
  };
}

/** One attempt: create the lock, or find who holds it, taking over a stale one. */
async function claimLock(path: string, record: DataDirHolder, isAlive: HolderLiveness): Promise<Claim> {
  for (;;) {
    if (await createExclusive(path, record)) return { acquired: true };
    const current = await readLockFile(path);
    if (current === null) continue; // released between the attempt and the read: try again
    if (current.holder !== null && await isAlive(current.holder)) return { acquired: false, holder: current.holder };
    if (!(await removeStale(path, current, record.command, isAlive))) return { acquired: false, holder: current.holder };
  }
}

/** Writes the record whole, then links it to `path`: atomic, and fails (false) if `path` exists. */
async function createExclusive(path: string, record: DataDirHolder): Promise<boolean> {
  const draft = `${path}.${record.nonce}.tmp`;
  await writeFile(draft, `${JSON.stringify(record)}\n`, { flag: 'wx' });
  try {
    await link(draft, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(draft, { force: true });
  }
}

/**
 * Removes a stale lock, if this process wins the right to. Deleting what one read as stale is the classic race: two
 * processes see the same stale lock, the first deletes it and takes the folder, the second deletes the first's fresh
 * lock and takes it too. So only the process that creates this very stale lock's takeover guard (named by a hash of
 * its content) may delete it, and only after reading it again, still the same, while holding the guard; a guard whose
 * taker died is itself taken over the same way. False: another process is taking it over now.
 */
async function removeStale(path: string, stale: LockFileContent, command: string, isAlive: HolderLiveness): Promise<boolean> {
  const guardPath = `${path}.takeover-${stale.id}`;
  const guard = holderRecord(`${command}, taking over a stale lock`);
  heldNonces.add(guard.nonce);
  try {
    if (!(await claimLock(guardPath, guard, isAlive)).acquired) return false;
    try {
      // Holding the guard, no other process may delete this stale lock: if it is still there, it is still stale.
      if ((await readLockFile(path))?.id === stale.id) {
        // unlink, not rm: rm reports a refusal to unlink (EPERM in a sticky folder) as the ENOTDIR of its fallback.
        await unlink(path).catch((error: unknown) => {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw DataDirLockUnusable.refused(dirname(path), path, 'removed', error);
        });
      }
      return true;
    } finally {
      await removeIfOurs(guardPath, guard.nonce);
    }
  } finally {
    heldNonces.delete(guard.nonce);
  }
}

async function removeIfOurs(path: string, nonce: string): Promise<void> {
  if ((await readLockFile(path))?.holder?.nonce === nonce) await rm(path, { force: true });
}

/** At exit (process.exit included) the event loop is gone: release what is still held, synchronously. */
function releaseHeldSync(): void {
  for (const [path, nonce] of held) {
    try {
      if (lockNonceSync(path) === nonce) unlinkSync(path);
    } catch {
      // Gone already, or not ours: nothing to release.
    }
  }
  held.clear();
}

/**
 * SIGINT or SIGTERM with no other listener would end the process without an exit event: release, then die of the
 * same signal, as the process would have. When the host listens too, its shutdown closes the database, which releases.
 */
function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  releaseHeldSync();
  unwatchExit();
  process.kill(process.pid, signal);
}

let watching = false;
function watchExit(): void {
  if (watching) return;
  watching = true;
  process.on('exit', releaseHeldSync);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

function unwatchExit(): void {
  if (!watching) return;
  watching = false;
  process.removeListener('exit', releaseHeldSync);
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
}
