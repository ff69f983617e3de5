/** What several commands read from their options: a gate, a required value, a file named by an option. */
import { GateSchema, type Gate } from '../domain/approval.js';
import { FileLimits } from '../domain/limits.js';
import { InvalidInput, OptionMissing } from '../errors/index.js';
import { readInputText } from '../files/read-input-file.js';

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

/**
 * The text of a file an option names (an approval, a request); a file that cannot be read, is not a regular file (a
 * FIFO would block), is over {@link FileLimits.maxSettingsFileBytes} or is not UTF-8 is refused naming the option,
 * the file and why.
 */
export function readOptionFile(path: string, field: string): Promise<string> {
  return readInputText(path, { field, maxBytes: FileLimits.maxSettingsFileBytes, limitName: 'FileLimits.maxSettingsFileBytes' });
}
