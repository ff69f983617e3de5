import type { Command } from 'commander';
import { applyMigrations, LATEST_SCHEMA_VERSION, type MigrationReport } from '../../postgres/migrations/index.js';
import { openTarget, type OpenTarget } from '../../postgres/open-target.js';
import { ExitCode } from '../exit-codes.js';
import { targetFromOptions, withTargetOptions, type TargetOptions } from '../target-options.js';
import type { Terminal } from '../terminal.js';

/** Applies the schema to an open target and prints what happened. Returns the report. */
export async function initTarget(target: OpenTarget, terminal: Terminal, json: boolean): Promise<MigrationReport> {
  const report = await target.admin((session) => applyMigrations(session));
  if (json) {
    terminal.line(JSON.stringify({ target: target.description, ...report }, null, 2));
  } else {
    terminal.line(report.applied.length === 0
      ? `${target.description}: cutter schema is up to date (v${report.version})`
      : `${target.description}: applied migrations ${report.applied.join(', ')} (now v${report.version} of ${LATEST_SCHEMA_VERSION})`);
    if (report.rolesPending !== null) {
      terminal.line(terminal.yellow('The roles cutter_exec and cutter_verify could not be created here. Ask an administrator to run:'));
      terminal.line(report.rolesPending);
      terminal.line('then run `cutter init` again.');
    }
  }
  return report;
}

/** Registers `cutter init`. */
export function registerInit(program: Command, terminal: Terminal, setExit: (code: ExitCode) => void): void {
  withTargetOptions(
    program
      .command('init')
      .description('create or upgrade the cutter schema (tables, functions, roles and grants) in the target; idempotent'),
  )
    .option('--json', 'print the report as JSON', false)
    .action(async (options: TargetOptions & { json: boolean }) => {
      const target = await openTarget(targetFromOptions(options, process.env, 'init'));
      try {
        const report = await initTarget(target, terminal, options.json);
        setExit(report.rolesPending === null ? ExitCode.Ok : ExitCode.Refused);
      } finally {
        await target.close();
      }
    });
}
