import { mkdir } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ignoreAllInGit } from '../files/ignore-all.js';

/**
 * The folder, in the working folder, that holds everything the CLI makes unless told otherwise: the embedded
 * database, approvers' keys, reports, pg_dump backups, scratch restores, and (when a person puts it there) the configuration. It carries
 * its own `.gitignore` (`*`), so nothing in it is committed by accident; above all not a private key.
 */
export const CUTTER_FOLDER = '.cutter';

/** The default place of each thing the CLI writes, relative to the working folder. */
export const DefaultPath = {
  keys: join(CUTTER_FOLDER, 'keys'),
  reports: join(CUTTER_FOLDER, 'reports'),
  backups: join(CUTTER_FOLDER, 'backups'),
  /** Scratch embedded databases that `cutter backup restore` makes (one folder each). */
  restores: join(CUTTER_FOLDER, 'restores'),
  config: join(CUTTER_FOLDER, 'cutter.config.json'),
} as const;

/** True when `path` is the working folder's .cutter/ or inside it. */
export function insideCutterFolder(path: string): boolean {
  const inside = relative(resolve(CUTTER_FOLDER), resolve(path));
  return inside !== '..' && !inside.startsWith(`..${sep}`) && !isAbsolute(inside);
}

/**
 * Makes `dir` and its parents to write into. When it lies in the working folder's .cutter/, that folder gets its
 * .gitignore first, so that nothing written there is ever untracked-and-addable, even for a moment. `mode` applies to
 * the folders made here (not to ones that exist).
 */
export async function makeOutputFolder(dir: string, mode?: number): Promise<void> {
  if (insideCutterFolder(dir)) {
    await mkdir(CUTTER_FOLDER, { recursive: true });
    await ignoreAllInGit(CUTTER_FOLDER);
  }
  await mkdir(dir, { recursive: true, ...(mode === undefined ? {} : { mode }) });
}
