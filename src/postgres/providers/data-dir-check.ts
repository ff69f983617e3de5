import { constants } from 'node:fs';
import { access, readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { InvalidInput } from '../../errors/index.js';
import { kindOfFile, reasonOf } from '../../files/read-input-file.js';
import { LOCK_FILE } from './data-dir-holder.js';

/** Virtual file systems: a database there cannot work, and writing into them can block (PGlite under /proc hangs). */
const VIRTUAL_ROOTS = ['/proc', '/sys', '/dev'] as const;

/**
 * Names Cutter itself puts in a folder beside an embedded database: the working folder's `.cutter/` holds the database
 * and also keys, reports, backups and perhaps the configuration.
 */
const CUTTER_NAMES = new Set(['.gitignore', 'keys', 'reports', 'backups', 'cutter.config.json', '.DS_Store']);

/**
 * Checks, before anything is made or opened, that `dataDir` can hold an embedded database, refusing with
 * {@link InvalidInput} (field `dataDir`, naming the folder and the fix) a path that:
 * - lies in a virtual file system (`/proc`, `/sys`, `/dev`), followed through symlinks;
 * - is a file, a device (`/dev/null`) or anything else but a folder, or has one of those where a parent should be;
 * - cannot be written (the folder, or the nearest existing parent it would be made in);
 * - is a folder holding other files and no database (`notes.txt`), unless it is named `.cutter`, where Cutter keeps
 *   its keys, reports and backups too: a database cluster written among someone's files would be hard to undo.
 */
export async function assertUsableDataDir(dataDir: string): Promise<void> {
  const path = resolve(dataDir);
  const { existing, rest } = await nearestExisting(path);
  const stats = await stat(existing);
  if (!stats.isDirectory()) {
    refuse(dataDir, existing === path ? `is ${kindOfFile(stats)}, not a folder` : `cannot be made: ${existing} is ${kindOfFile(stats)}, not a folder`);
  }
  const real = join(await realpath(existing).catch(() => existing), rest);
  const virtual = VIRTUAL_ROOTS.find((root) => real === root || real.startsWith(`${root}${sep}`));
  if (virtual !== undefined) refuse(dataDir, `is in ${virtual}, a virtual file system that cannot hold a database: name a folder on a disk`);
  try {
    await access(existing, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (error) {
    refuse(dataDir, existing === path ? `cannot be written by this user: ${reasonOf(error)}` : `cannot be made: ${existing} cannot be written by this user (${reasonOf(error)})`);
  }
  if (existing !== path || basename(path) === '.cutter') return;
  const names = await readdir(path);
  if (names.includes('PG_VERSION')) return;
  const foreign = names.filter((name) => !CUTTER_NAMES.has(name) && name !== LOCK_FILE && !name.startsWith(`${LOCK_FILE}.`));
  if (foreign.length > 0) {
    const shown = foreign.slice(0, 3).join(', ') + (foreign.length > 3 ? ` and ${foreign.length - 3} more` : '');
    refuse(dataDir, `holds other files (${shown}) and no embedded database: name an empty or new folder, so the database is not written among them`);
  }
}

function refuse(dataDir: string, why: string): never {
  throw new InvalidInput('dataDir', `${dataDir} ${why}`);
}

/** The longest existing prefix of `path`, and what would be made below it. */
async function nearestExisting(path: string): Promise<{ existing: string; rest: string }> {
  let existing = path;
  for (;;) {
    try {
      await stat(existing);
      return { existing, rest: relative(existing, path) };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // ENOTDIR: a file where a parent folder should be; the loop goes up to it and reports it.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') refuse(path, `cannot be looked at: ${reasonOf(error)}`);
      const parent = dirname(existing);
      if (parent === existing) return { existing, rest: relative(existing, path) };
      existing = parent;
    }
  }
}
