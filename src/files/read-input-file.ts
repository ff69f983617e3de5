import { constants, type Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { InvalidInput } from '../errors/index.js';

/** Bytes read at a time: large enough that a big source takes few reads, small enough to cost nothing for a key. */
const READ_CHUNK_BYTES = 1024 * 1024;

/** What to call a file in errors, and how large it may be. */
export interface InputFileRule {
  /** The field or option that named the file (`paths`, `key`, `config`), reported as the error's field. */
  readonly field: string;
  /** The largest size accepted, in bytes; a larger file is refused before it is read. */
  readonly maxBytes: number;
  /** Where the limit is documented, quoted in the refusal (e.g. `FileLimits.maxSourceFileBytes`). */
  readonly limitName: string;
}

/**
 * Reads a file a person named, refusing with {@link InvalidInput} (naming the file and what is wrong) anything that is
 * not a regular file of at most `maxBytes`: missing, a folder, a FIFO, a device (a symlink to `/dev/zero` is one), a
 * socket, or too large. A FIFO or a device would block or never end; so the type is checked before opening, the file
 * is opened without blocking, checked again on the open handle (it may have been swapped since), and never read past
 * the limit, whatever its size claimed.
 */
export async function readInputFile(path: string, rule: InputFileRule): Promise<Buffer> {
  const handle = await openRegularFile(path, rule);
  try {
    const buffer = Buffer.alloc(Math.min(READ_CHUNK_BYTES, rule.maxBytes + 1));
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > rule.maxBytes) throw tooLarge(path, rule);
      chunks.push(Buffer.from(buffer.subarray(0, bytesRead)));
    }
    return Buffer.concat(chunks, total);
  } catch (error) {
    if (error instanceof InvalidInput) throw error;
    throw new InvalidInput(rule.field, `${path}: ${reasonOf(error)}`);
  } finally {
    await handle.close();
  }
}

/**
 * Opens a file a person named for reading, only if it is a regular file: its type is checked before opening, it is
 * opened without blocking, and checked again on the open handle (it may have been swapped since). The caller closes it.
 */
export async function openRegularFile(path: string, rule: InputFileRule): Promise<FileHandle> {
  assertRegular(path, await statOrRefuse(path, rule.field), rule);
  let handle: FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO swapped in since the stat returns at once instead of waiting for a writer.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new InvalidInput(rule.field, `${path}: ${reasonOf(error)}`);
  }
  try {
    assertRegular(path, await handle.stat(), rule);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}

/** Like {@link readInputFile}, decoded as UTF-8 strictly: content silently altered by replacement characters would be worse than an error. */
export async function readInputText(path: string, rule: InputFileRule): Promise<string> {
  const bytes = await readInputFile(path, rule);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InvalidInput(rule.field, `${path}: not valid UTF-8 (save it as UTF-8)`);
  }
}

/** The file's status, following symlinks; a path that cannot be looked at is refused naming it. */
export async function statOrRefuse(path: string, field: string): Promise<Stats> {
  try {
    return await stat(path);
  } catch (error) {
    throw new InvalidInput(field, `${path}: ${reasonOf(error)}`);
  }
}

/** What kind of file system object `stats` describes, for people. */
export function kindOfFile(stats: Stats): string {
  if (stats.isFile()) return 'a file';
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

export function assertRegular(path: string, stats: Stats, rule: InputFileRule): void {
  if (!stats.isFile()) throw new InvalidInput(rule.field, `${path}: is ${kindOfFile(stats)}, not a regular file`);
  if (stats.size > rule.maxBytes) throw tooLarge(path, rule, stats.size);
}

export function tooLarge(path: string, rule: InputFileRule, size?: number): InvalidInput {
  const actual = size === undefined ? 'larger than' : `${formatBytes(size)}, larger than`;
  return new InvalidInput(rule.field, `${path}: is ${actual} the limit of ${formatBytes(rule.maxBytes)} (${rule.limitName}); split it into smaller files`);
}

/** `268435456` → `256 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit += 1; }
  return `${unit === 0 ? value : Number(value.toFixed(1))} ${units[unit] ?? 'bytes'}`;
}

/** A file-system error as a short reason, for reading or writing: the common ones in words, the rest by their code. */
export function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOENT': return 'no such file or directory';
    case 'EACCES': case 'EPERM': return `permission denied (${code})`;
    case 'EISDIR': return 'is a folder, not a regular file';
    case 'ENOTDIR': return 'a part of the path is not a folder (ENOTDIR)';
    case 'ELOOP': return 'too many levels of symbolic links (ELOOP)';
    case 'ENAMETOOLONG': return 'the name is too long (ENAMETOOLONG)';
    case 'EEXIST': return 'a file is in the way of a folder (EEXIST)';
    case 'EROFS': return 'the file system is read-only (EROFS)';
    case undefined: return error instanceof Error ? error.message : String(error);
    default: return `failed (${code})`;
  }
}
