import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';

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

/** Reads a lock file; null when there is none. A file that is not a holder record (never written by Cutter, which writes whole files) has no holder. */
export async function readLockFile(path: string): Promise<LockFileContent | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return { holder: parseHolder(text), id: createHash('sha256').update(text).digest('hex').slice(0, 32) };
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
