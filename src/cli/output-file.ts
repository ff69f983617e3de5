import { writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { makeOutputFolder } from '../config/cutter-folder.js';
import { InvalidInput } from '../errors/index.js';

/**
 * Writes a file that an option (`--out`) names, or its default: makes its folder (with .cutter/'s .gitignore when it
 * lies there), and refuses a path that cannot be written, naming the option, the path and why. Returns the absolute
 * path written. `text` may come in pieces as it is produced (a plan of a million rows, never held whole).
 */
export async function writeOutputFile(path: string, text: string | AsyncIterable<string>, field = 'out'): Promise<string> {
  const file = resolve(path);
  // What failed producing the text (a database read) is its own error, not a file that cannot be written.
  let produced: { error: unknown } | undefined;
  const data = typeof text === 'string' ? text : (async function* guarded() {
    try { yield* text; } catch (error) { produced = { error }; throw error; }
  })();
  try {
    await makeOutputFolder(dirname(file));
    await writeFile(file, data, 'utf8');
  } catch (error) {
    if (produced !== undefined) throw produced.error;
    throw new InvalidInput(field, `cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return file;
}
