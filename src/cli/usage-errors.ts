import { type Command, CommanderError } from 'commander';
import { UsageError } from '../errors/index.js';

/**
 * Commander's own ends that are not errors: help asked for (or shown because a command needs a subcommand) and the
 * version. They keep commander's output and exit code (0, or 2 for help shown in place of a missing subcommand).
 */
const NOT_ERRORS: ReadonlySet<string> = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

/** `cutter ledger verify`: a command's name as typed, so its hint can name its `--help`. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at !== null; at = at.parent) names.unshift(at.name());
  return names.join(' ');
}

/**
 * Makes every command's usage errors (unknown command or option, missing argument or option value, excess
 * argument, a value commander refuses) throw a {@link UsageError} naming the command whose `--help` explains it, in
 * place of commander's bare `error: …` line, so they print like every other error: code, message, hint, exit 2.
 * `failedIn` learns which command refused the line (to tell whether it takes `--json`).
 */
export function throwUsageErrors(program: Command, failedIn: (command: Command) => void): void {
  const visit = (command: Command): void => {
    // Commander prints its message before it exits: the UsageError prints it instead, with its hint.
    command.configureOutput({ outputError: () => undefined });
    command.showHelpAfterError(false);
    command.exitOverride((error: CommanderError) => {
      if (NOT_ERRORS.has(error.code)) throw error;
      failedIn(command);
      throw new UsageError(error.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' '), commandPath(command), command.commands.length > 0 ? 'commands and options' : 'arguments and options');
    });
    for (const sub of command.commands) visit(sub);
  };
  visit(program);
}

/** True when the command takes `--json` and the line asked for it: its errors are then printed as JSON on stdout too. */
export function wantsJson(command: Command | undefined, argv: readonly string[]): boolean {
  return command !== undefined && command.options.some((option) => option.long === '--json') && argv.includes('--json');
}
