#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { registerApproval } from './commands/approval.js';
import { registerBackup } from './commands/backup.js';
import { registerChart } from './commands/chart.js';
import { registerDemo } from './commands/demo.js';
import { registerInit } from './commands/init.js';
import { registerInspector } from './commands/inspector.js';
import { registerLedger } from './commands/ledger.js';
import { registerLog } from './commands/log.js';
import { registerConfig } from './commands/config.js';
import { registerKeys } from './commands/keys.js';
import { registerKillSwitch } from './commands/kill-switch.js';
import { registerReplay } from './commands/replay.js';
import { registerRevert } from './commands/revert.js';
import { registerRun } from './commands/run.js';
import { registerRunControl } from './commands/run-control.js';
import { registerStatus } from './commands/status.js';
import { registerUpgradeCheck } from './commands/upgrade-check.js';
import { registerPlan } from './commands/plan.js';
import { registerReport } from './commands/report.js';
import { outliveClosedOutput, writeIfOpen } from './closed-output.js';
import { createCliLogger, LOG_LEVELS, resolveLogSettings, useCliLogger } from './cli-logger.js';
import { ExitCode } from './exit-codes.js';
import { errorJson, reportError, UNEXPECTED_HINT } from './report-error.js';
import { throwUsageErrors, wantsJson } from './usage-errors.js';
import { packageVersion } from '../package-root.js';
import { createTerminal, type Terminal } from './terminal.js';
import { preferFlatMemory } from './flat-memory.js';

/** Builds the `cutter` program. Separate from running it so tests can drive it in-process. */
export function buildProgram(terminal: Terminal, setExit: (code: ExitCode) => void): Command {
  const program = new Command('cutter')
    .description('Carry a planned batch of writes into a PostgreSQL knowledge base through a gated, audited, reversible run.')
    .version(packageVersion(), '-V, --version')
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({ writeOut: (s) => { writeIfOpen(process.stdout, s); }, writeErr: (s) => { writeIfOpen(process.stderr, s); } })
    .option('--log-level <level>', `log level on stderr: ${LOG_LEVELS.join(', ')} (default: $CUTTER_LOG_LEVEL or warn)`)
    .option('--log-format <format>', 'json or pretty (default: $CUTTER_LOG_FORMAT, else pretty on a TTY and json otherwise)')
    .exitOverride()
    .hook('preAction', (_program, command) => {
      const flags = command.optsWithGlobals<{ logLevel?: string; logFormat?: string }>();
      useCliLogger(createCliLogger(resolveLogSettings(flags, process.env, process.stderr.isTTY)));
    });
  registerInit(program, terminal, setExit);
  registerPlan(program, terminal, setExit);
  registerRun(program, terminal, setExit);
  registerRunControl(program, terminal, setExit);
  registerApproval(program, terminal, setExit);
  registerStatus(program, terminal, setExit);
  registerUpgradeCheck(program, terminal, setExit);
  registerReplay(program, terminal, setExit);
  registerKillSwitch(program, terminal, setExit);
  registerRevert(program, terminal, setExit);
  registerKeys(program, terminal, setExit);
  registerConfig(program, terminal, setExit);
  registerDemo(program, terminal, setExit);
  registerChart(program, terminal, setExit);
  registerLedger(program, terminal, setExit);
  registerLog(program, terminal, setExit);
  registerReport(program, terminal, setExit);
  registerInspector(program, terminal, setExit);
  registerBackup(program, terminal, setExit);
  program.addHelpText('after', '\nExit codes: 0 ok · 1 unexpected · 2 usage · 3 invalid input · 4 refused · 5 run not completed · 6 torn · 7 integrity check failed (see docs/cli.md)');
  return program;
}

/**
 * Runs the CLI and resolves with the exit code; prints errors (usage errors too) with their code and a hint, and, for
 * a command given `--json`, as JSON on stdout as well.
 */
export async function main(argv: readonly string[], terminal: Terminal = createTerminal()): Promise<ExitCode> {
  let exit: ExitCode = ExitCode.Ok;
  let acting: Command | undefined;
  const program = buildProgram(terminal, (code) => { exit = code; });
  program.hook('preAction', (_program, command) => { acting = command; });
  throwUsageErrors(program, (command) => { acting = command; });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exit;
  } catch (error) {
    // Help and version (asked for, or help shown in place of a missing subcommand): commander printed them.
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    const code = reportError(error, terminal);
    if (wantsJson(acting, argv)) terminal.line(errorJson(error, code));
    return code;
  }
}

// Run only when executed as the `cutter` binary, never on import.
const invokedAs = process.argv[1] ?? '';
if (/(?:^|[\\/])(?:cutter|main\.[cm]?[jt]s)$/.test(invokedAs)) {
  preferFlatMemory();
  // `cutter approve … | head -1` closes the pipe early: that is the reader's choice, not an error, and never a reason
  // to abandon a run mid-phase. Output stops; the command finishes, releases the run and exits with its outcome's code.
  outliveClosedOutput(process.stdout);
  outliveClosedOutput(process.stderr);
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (error: unknown) => {
      writeIfOpen(process.stderr, `error E_UNEXPECTED: ${String(error)}\nhint: ${UNEXPECTED_HINT}\n`);
      process.exitCode = ExitCode.Unexpected;
    },
  );
}
