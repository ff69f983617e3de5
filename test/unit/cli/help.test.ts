import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src/cli/main.js';
import { captureTerminal } from '../../support/capture-terminal.js';

/** Every command of the program, depth first: `cutter`, `cutter keys`, `cutter keys generate`, … */
function allCommands(command: Command, path: string[] = []): { path: string; command: Command }[] {
  const here = [...path, command.name()];
  return [{ path: here.join(' '), command }, ...command.commands.flatMap((sub) => allCommands(sub, here))];
}

const commands = allCommands(buildProgram(captureTerminal(), () => undefined));

describe('help on every command', () => {
  it('covers the commands a person reaches first', () => {
    const paths = commands.map((c) => c.path);
    for (const path of ['cutter run', 'cutter approve', 'cutter kill-switch', 'cutter keys generate', 'cutter ledger verify', 'cutter config check']) expect(paths).toContain(path);
  });

  it.each(commands.map((c) => [c.path, c.command] as const))('%s: describes itself, each argument and each option', (_path, command) => {
    expect(command.description().length).toBeGreaterThan(10);
    for (const argument of command.registeredArguments) expect(argument.description, `argument <${argument.name()}>`).not.toBe('');
    for (const option of command.options) expect(option.description, `option ${option.flags}`).not.toBe('');
    const help = command.helpInformation();
    expect(help).toContain('Usage:');
    expect(help).toContain('-h, --help');
  });
});
