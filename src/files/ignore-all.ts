import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The name and text of the file that tells git to ignore everything in its folder, itself included. */
export const IGNORE_ALL_FILE = '.gitignore';
export const IGNORE_ALL_TEXT = '*\n';

/**
 * Writes `<dir>/.gitignore` containing `*`, unless the folder already has a .gitignore (a person's own is kept as it
 * is). A folder of Cutter's state (keys, reports, backups, the embedded database) must never be committed by a
 * `git add .` in the work tree that holds it.
 */
export async function ignoreAllInGit(dir: string): Promise<void> {
  try {
    await writeFile(join(dir, IGNORE_ALL_FILE), IGNORE_ALL_TEXT, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
