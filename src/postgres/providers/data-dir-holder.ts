import { createHash, randomUUID } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { DataDirLockUnusable } from './data-dir-lock-unusable.js';

/** The lock file inside an embedded data folder: while it exists, the process it names has the folder open. */
export const LOCK_FILE = 'cutter.lock';

/** Who has an embedded data folder open: what its lock file holds (JSON). */
export interface DataDirHolder {
  readonly pid: number;
  readonly host: string;
  /** What opened it: `cutter run`, `cutter list`, or `library (<script>)` for a host app. */
  readonly command: string;
  /** When it took the folder (ISO). */
  readonly since: string;
  /** Unique per lock taken, so a lock file is never mistaken for another one with the same pid. */
  readonly nonce: string;
  /** The kernel's boot id where known (Linux): a lock from before a reboot is stale whatever its pid. */
  readonly bootId?: string;
}

/** A lock file as read: its holder (null if it is not a holder record) and an id that names this very file's content. */
export interface LockFileContent {
  readonly holder: DataDirHolder | null;
  readonly id: string;
}

/** Whether the process that wrote a lock still runs; a host may supply its own (a folder shared across hosts, say). */
export type HolderLiveness = (holder: DataDirHolder) => boolean | Promise<boolean>;

/**
 * The nonces of the locks this process holds or is about to create. A lock naming this process's pid but none of
 * these was left by an earlier process that had the same pid (a container restarted, say): it is stale.
 */
export const heldNonces = new Set<string>();

let bootIdRead = false;
let bootIdValue: string | undefined;
/** This machine's boot id (Linux), read once, on first use: never when the module is imported. */
function bootId(): string | undefined {
  if (!bootIdRead) {
    bootIdRead = true;
    try {
      bootIdValue = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      bootIdValue = undefined;
    }
  }
  return bootIdValue;
}

/** A fresh holder record for this process. */
export function holderRecord(command: string): DataDirHolder {
  const boot = bootId();
  return { pid: process.pid, host: hostname(), command, since: new Date().toISOString(), nonce: randomUUID(), ...(boot === undefined ? {} : { bootId: boot }) };
}

function parseHolder(text: string): DataDirHolder | null {
  try {
    const value = JSON.parse(text) as Partial<DataDirHolder> | null;
    if (value === null || typeof value !== 'object') return null;
    const { pid, host, command, since, nonce, bootId } = value;
    if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return null;
    if (typeof host !== 'string' || typeof command !== 'string' || typeof since !== 'string' || typeof nonce !== 'string') return null;
    return { pid, host, command, since, nonce, ...(typeof bootId === 'string' ? { bootId } : {}) };
  } catch {
    return null;
  }
}

/** The most a lock file may hold: a holder record is a few hundred bytes. */
export const MAX_LOCK_FILE_BYTES = 64 * 1024;
/**
 * Opened without following a symbolic link (a link to /dev/zero would be read for ever) and without blocking (a FIFO
 * would block the open until a writer came): what is found is then checked to be a regular file before it is read.
 */
const LOCK_OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * Reads a lock file; null when there is none. A file that is not a holder record (never written by Cutter, which
 * writes whole files) has no holder. Anything but a small regular file under the name (a FIFO, a folder, a symbolic
 * link, a huge file), or one this user cannot read, is {@link DataDirLockUnusable}: no retry or wait can cure it.
 */
export async function readLockFile(path: string): Promise<LockFileContent | null> {
  const dataDir = dirname(path);
  let handle;
  try {
    handle = await open(path, LOCK_OPEN_FLAGS);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    // ELOOP: a symbolic link; ENXIO: a socket. Say what is there when it can be seen, else why it cannot be read.
    const stats = await lstat(path).catch(() => null);
    if (stats !== null && !stats.isFile()) throw DataDirLockUnusable.notAFile(dataDir, path, stats);
    throw DataDirLockUnusable.refused(dataDir, path, 'read', error);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw DataDirLockUnusable.notAFile(dataDir, path, stats);
    if (stats.size > MAX_LOCK_FILE_BYTES) throw DataDirLockUnusable.tooLarge(dataDir, path, stats.size, MAX_LOCK_FILE_BYTES);
    const text = await handle.readFile({ encoding: 'utf8' });
    return { holder: parseHolder(text), id: createHash('sha256').update(text).digest('hex').slice(0, 32) };
  } finally {
    await handle.close();
  }
}

/** The nonce a lock file names, read as {@link readLockFile} does but synchronously (at exit); undefined if none. */
export function lockNonceSync(path: string): string | undefined {
  const fd = openSync(path, LOCK_OPEN_FLAGS);
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile() || stats.size > MAX_LOCK_FILE_BYTES) return undefined;
    return parseHolder(readFileSync(fd, 'utf8'))?.nonce;
  } finally {
    closeSync(fd);
  }
}

/**
 * The default liveness: a holder on another host cannot be checked from here, so it counts as alive; one from an
 * earlier boot of this machine is gone; this process's own pid is alive only for the locks it holds; any other pid is
 * alive while signal 0 reaches it (EPERM: it runs, as another user).
 */
export function holderIsAlive(holder: DataDirHolder): boolean {
  if (holder.host !== hostname()) return true;
  const boot = bootId();
  if (holder.bootId !== undefined && boot !== undefined && holder.bootId !== boot) return false;
  if (holder.pid === process.pid) return heldNonces.has(holder.nonce);
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** For people: `pid 4242 on build-7 (cutter run, since 2026-01-01T10:00:00.000Z)`. */
export function describeHolder(holder: DataDirHolder | null): string {
  return holder === null ? 'a lock file that names no process' : `pid ${holder.pid} on ${holder.host} (${holder.command}, since ${holder.since})`;
}
