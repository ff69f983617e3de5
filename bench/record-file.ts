import { access } from 'node:fs/promises';
import { join } from 'node:path';

/** Whether a file is there (any error reading it counts as not). */
async function present(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where a run's record goes in `dir`: `<stem>.json`, or if a record of that name is already there (a second full run
 * on one day, on one host), the first of `<stem>-2.json`, `<stem>-3.json`, … that is not. A committed record is never
 * overwritten by a later run; only `overwrite` (the git-ignored partial runs) takes the name as it is.
 */
export async function recordFileIn(dir: string, stem: string, overwrite: boolean, exists: (file: string) => Promise<boolean> = present): Promise<string> {
  const first = join(dir, `${stem}.json`);
  if (overwrite || !(await exists(first))) return first;
  for (let n = 2; ; n++) {
    const next = join(dir, `${stem}-${n}.json`);
    if (!(await exists(next))) return next;
  }
}
