import { writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { makeOutputFolder } from '../config/cutter-folder.js';
import { InvalidInput } from '../errors/index.js';

/**
 * Writes a file that an option (`--out`) names, or its default: makes its folder (with .cutter/'s .gitignore when it
 * lies there), and refuses a path that cannot be written, naming the option, the path and why. Returns the absolute
 * path written.
 */
export async function writeOutputFile(path: string, text: string, field = 'out'): Promise<string> {
  const file = resolve(path);
  try {
    await makeOutputFolder(dirname(file));
    await writeFile(file, text, 'utf8');
  } catch (error) {
    throw new InvalidInput(field, `cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return file;
}
