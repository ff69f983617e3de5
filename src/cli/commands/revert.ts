import type { Command } from 'commander';
import { InvalidInput } from '../../errors/index.js';
import { openTarget } from '../../postgres/open-target.js';
import { previewRevert } from '../../postgres/sql/revert.js';
import { ExitCode } from '../exit-codes.js';
import { targetFromOptions, withTargetOptions, type TargetOptions } from '../target-options.js';
import type { Terminal } from '../terminal.js';

/** Registers `cutter revert <change set> --dry-run`: exactly what compensating a change set would do. */
export function registerRevert(program: Command, terminal: Terminal, setExit: (code: ExitCode) => void): void {
  withTargetOptions(
    program
      .command('revert')
      .description('preview the revert of a change set: it is run in a transaction that always rolls back, so what it prints is exactly what compensation (SG_3) would do')
      .argument('<change-set>', 'the change set id (cs-...)'),
  )
    .option('--dry-run', 'preview only (required: a revert itself runs as a run\'s compensation, after SG_3)', false)
    .option('--json', 'print JSON', false)
    .action(async (changeSetId: string, options: TargetOptions & { dryRun: boolean; json: boolean }) => {
      if (!options.dryRun) throw new InvalidInput('dry-run', 'a revert runs as the compensation of its run after SG_3 (cutter approve <run> --gate compensate); here, pass --dry-run to preview it');
      const target = await openTarget(targetFromOptions(options));
      try {
        const actions = await target.admin((session) => previewRevert(session, changeSetId));
        if (options.json) terminal.line(JSON.stringify({ changeSetId, actions }, null, 2));
        else if (actions.length === 0) terminal.line(`${changeSetId}: nothing to revert (no live versions of it, nothing it superseded)`);
        else {
          terminal.line(`${changeSetId}: reverting would, in one transaction:`);
          for (const a of actions) terminal.line(`  ${a.action.padEnd(15)} ${a.address} v${a.version}`);
          terminal.line(terminal.dim('(nothing was changed: this was a preview)'));
        }
        setExit(ExitCode.Ok);
      } finally {
        await target.close();
      }
    });
}
