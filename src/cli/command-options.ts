/** What several commands read from their options: a gate, a required value, a file named by an option. */
import { readFile } from 'node:fs/promises';
import { GateSchema, type Gate } from '../domain/approval.js';
import { InvalidInput, OptionMissing } from '../errors/index.js';

/** `cut`/`SG_1`, `enact`/`SG_2`, `compensate`/`SG_3` → the gate. */
export function parseGate(option: string | undefined): Gate {
  const words: Record<string, Gate> = { cut: 'SG_1', enact: 'SG_2', compensate: 'SG_3' };
  const gate = option === undefined ? undefined : words[option.toLowerCase()] ?? GateSchema.safeParse(option.toUpperCase()).data;
  if (gate === undefined) throw new InvalidInput('gate', '--gate must be cut, enact or compensate (or SG_1, SG_2, SG_3)');
  return gate;
}

/** The value of `--<field>`; a usage error (exit 2) naming the option when absent or blank. */
export function required(value: string | undefined, field: string): string {
  if (value === undefined || value.trim() === '') throw new OptionMissing(field);
  return value;
}

/** What a failed read means, for people (the errno code alone, ENOENT, says little). */
const READ_FAILURES: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a folder, not a file',
  EACCES: 'permission denied',
  ENOTDIR: 'a part of the path is not a folder',
};

/** The text of a file an option names; a file that cannot be read is refused naming the option and why. */
export async function readOptionFile(path: string, field: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === undefined ? undefined : READ_FAILURES[code];
    throw new InvalidInput(field, `cannot read ${path}: ${why ?? code ?? (error as Error).message}`);
  }
}
