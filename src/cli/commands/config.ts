import type { Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { ExitCode } from '../exit-codes.js';
import type { Terminal } from '../terminal.js';

/** Registers `cutter config check`. */
export function registerConfig(program: Command, terminal: Terminal, setExit: (code: ExitCode) => void): void {
  program
    .command('config')
    .description('the configuration file')
    .command('check')
    .description('validate the configuration (approvers\' keys readable, backup settings) and print what was read')
    .option('--config <file>', 'configuration file; default $CUTTER_CONFIG or ./cutter.config.json')
    .option('--json', 'print JSON', false)
    .action(async (options: { config?: string; json: boolean }) => {
      const config = await loadConfig(options.config);
      const summary = { source: config.source, approvers: Object.keys(config.approvers), allowSelfApproval: config.allowSelfApproval, backup: config.backup, leaseSeconds: config.leaseSeconds };
      if (options.json) terminal.line(JSON.stringify(summary, null, 2));
      else {
        terminal.line(`${terminal.green('ok')}: ${config.source ?? '(no file: defaults)'}`);
        terminal.line(`approvers: ${summary.approvers.length === 0 ? '(none: every approval will be refused)' : summary.approvers.join(', ')}`);
        terminal.line(`self-approval: ${config.allowSelfApproval ? 'allowed' : 'refused'}; backup: ${config.backup.kind}; lease: ${config.leaseSeconds}s`);
      }
      setExit(ExitCode.Ok);
    });
}
