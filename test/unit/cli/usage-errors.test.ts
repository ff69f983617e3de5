/**
 * Commander's usage errors print like every other error: `error E_USAGE: <commander's message>`, a `hint:` naming the
 * command's `--help`, exit 2, and (for a command that takes `--json` and was given it) the error as JSON on stdout.
 * Before, commander printed a bare `error: …` line with no code and no hint.
 */
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/cli/exit-codes.js';
import { main } from '../../../src/cli/main.js';
import { captureTerminal } from '../../support/capture-terminal.js';

/** Nothing listens on port 1: a command that got as far as connecting would fail with E_TARGET_UNAVAILABLE instead. */
const NOWHERE = ['--database-url', 'postgres://postgres@127.0.0.1:1/postgres'];

async function cutter(args: string[]) {
  const terminal = captureTerminal();
  const code = await main(args, terminal);
  return { code, out: terminal.out.join('\n'), err: terminal.err, hint: terminal.err.find((l) => l.startsWith('hint: ')) ?? '' };
}

describe('usage errors', () => {
  const cases: [string, string[], RegExp, string][] = [
    ['unknown option', ['status', '--bogus', ...NOWHERE], /^unknown option '--bogus'$/, '`cutter status --help` lists its arguments and options'],
    ['unknown command', ['statu'], /^unknown command 'statu' \(Did you mean status\?\)$/, '`cutter --help` lists its commands and options'],
    ['unknown subcommand', ['ledger', 'bogus'], /^unknown command 'bogus'/, '`cutter ledger --help` lists its commands and options'],
    ['missing argument', ['approve'], /^missing required argument 'run'$/, '`cutter approve --help`'],
    ['option without its value', ['list', '--data-dir'], /^option '--data-dir <dir>' argument missing$/, '`cutter list --help`'],
    ['too many arguments', ['status', 'run-1', 'run-2', ...NOWHERE], /^too many arguments for 'status'/, '`cutter status --help`'],
    ['unknown option of a nested command', ['ledger', 'verify', '--bogus', ...NOWHERE], /^unknown option '--bogus'$/, '`cutter ledger verify --help`'],
    ['unknown global option', ['--bogus', 'list'], /^unknown option '--bogus'$/, '`cutter --help`'],
  ];

  it.each(cases)('%s: error E_USAGE with the message, a hint naming --help, exit 2, nothing opened', async (_what, args, message, hint) => {
    const result = await cutter(args);
    expect(result.code).toBe(ExitCode.Usage);
    expect(result.err[0]).toMatch(/^error E_USAGE: /);
    expect(result.err[0]?.slice('error E_USAGE: '.length)).toMatch(message);
    expect(result.hint).toContain(hint);
    // Two lines, no commander output besides: no bare "error:" line, no "(run with --help for usage)".
    expect(result.err).toHaveLength(2);
    expect(result.out).toBe('');
  });

  it('with --json, a command that takes it also prints the error as JSON on stdout', async () => {
    const result = await cutter(['status', '--json', '--bogus', ...NOWHERE]);
    expect(result.code).toBe(ExitCode.Usage);
    expect(JSON.parse(result.out)).toEqual({
      error: { name: 'UsageError', code: 'E_USAGE', message: "unknown option '--bogus'", hint: '`cutter status --help` lists its arguments and options.' },
      exit: ExitCode.Usage,
    });
    expect(result.err[0]).toBe("error E_USAGE: unknown option '--bogus'");
  });

  it('with --json, a command that does not take it prints no JSON (inspector has no --json)', async () => {
    const result = await cutter(['inspector', '--json']);
    expect(result.code).toBe(ExitCode.Usage);
    expect(result.err[0]).toBe("error E_USAGE: unknown option '--json'");
    expect(result.out).toBe('');
  });

  it('any other error of a --json command is JSON on stdout too: a refused connection is E_TARGET_UNAVAILABLE, exit 4', async () => {
    const result = await cutter(['list', '--json', ...NOWHERE]);
    expect(result.code).toBe(ExitCode.Refused);
    const json = JSON.parse(result.out) as { error: { code: string; hint: string }; exit: number };
    expect(json).toMatchObject({ error: { code: 'E_TARGET_UNAVAILABLE' }, exit: ExitCode.Refused });
    expect(json.error.hint).toBe(result.hint.slice('hint: '.length));
  });

  it('help and the version are not errors: exit 0, no error line', async () => {
    const help = await cutter(['status', '--help']);
    const version = await cutter(['--version']);
    for (const result of [help, version]) {
      expect(result.code).toBe(ExitCode.Ok);
      expect(result.err.filter((l) => l.startsWith('error'))).toEqual([]);
    }
  });
});
