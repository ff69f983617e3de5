import type { Stats } from 'node:fs';
import { InvalidInput } from '../../errors/index.js';
import { kindOfFile, reasonOf } from '../../files/read-input-file.js';

/**
 * The embedded folder's lock file cannot be taken or read, for a reason no waiting can cure: something other than a
 * regular file has its name (a FIFO, which would block the read for ever; a folder; a symbolic link, dangling or to
 * /dev/zero), it is not Cutter's size, or the folder refuses the file (permissions, a read-only or full disk). Nothing
 * was opened. An `E_INVALID_INPUT` naming `dataDir` (exit 3), as the data folder's other checks are, with its own fix.
 */
export class DataDirLockUnusable extends InvalidInput {
  override readonly hint: string;
  /** The lock file (or its takeover guard) at fault. */
  readonly lockFile: string;

  private constructor(dataDir: string, lockFile: string, why: string, hint: string, cause?: unknown) {
    super('dataDir', `${dataDir} cannot be locked for this process: ${lockFile} ${why}`);
    if (cause !== undefined) Object.defineProperty(this, 'cause', { value: cause });
    this.lockFile = lockFile;
    this.hint = hint;
  }

  /** Something other than a regular file has the lock file's name. */
  static notAFile(dataDir: string, lockFile: string, stats: Stats): DataDirLockUnusable {
    const kind = stats.isSymbolicLink() ? 'a symbolic link' : kindOfFile(stats);
    const remove = stats.isDirectory() ? `rm -r ${lockFile}` : `rm ${lockFile}`;
    return new DataDirLockUnusable(dataDir, lockFile, `is ${kind}, not a lock file (Cutter writes a small regular file there)`,
      `Nothing was opened. Make sure no process uses the folder, remove it (${remove}) and run the command again, or name another --data-dir.`);
  }

  /** A regular file far larger than any lock Cutter writes. */
  static tooLarge(dataDir: string, lockFile: string, size: number, max: number): DataDirLockUnusable {
    return new DataDirLockUnusable(dataDir, lockFile, `holds ${size} bytes, not a lock Cutter wrote (at most ${max})`,
      `Nothing was opened. Make sure no process uses the folder, remove it (rm ${lockFile}) and run the command again.`);
  }

  /** The file system refused: reading the lock, writing it beside the database, or making the folder. */
  static refused(dataDir: string, lockFile: string, doing: 'read' | 'written' | 'removed', error: unknown): DataDirLockUnusable {
    const code = (error as NodeJS.ErrnoException | null)?.code;
    const hint = code === 'ENOSPC' || code === 'EDQUOT'
      ? 'Nothing was opened. The disk (or this user\'s quota) is full: free some space, then run the command again.'
      : code === 'EROFS'
        ? 'Nothing was opened. The folder is on a read-only file system: name a --data-dir on a writable disk.'
        : `Nothing was opened. The embedded database's folder must be readable and writable by the user running Cutter: fix the owner or mode of ${dataDir} and ${lockFile} (ls -l shows them), run as the folder's owner, or name another --data-dir.`;
    return new DataDirLockUnusable(dataDir, lockFile, `cannot be ${doing}: ${reasonOf(error)}`, hint, error);
  }
}
