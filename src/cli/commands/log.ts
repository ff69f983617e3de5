import type { Command } from 'commander';
import { openTarget } from '../../postgres/open-target.js';
import { readAddressHistory, readChangeSets } from '../../postgres/sql/history.js';
import { withinTransaction } from '../../postgres/transaction.js';
import { ExitCode } from '../exit-codes.js';
import { changeSetLine } from '../history-lines.js';
import { targetFromOptions, withTargetOptions, type TargetOptions } from '../target-options.js';
import type { Terminal } from '../terminal.js';

const orDash = (value: string | null): string => value ?? '-';

/** Registers `cutter log`: an address's versions, or the target's change sets, read-only. */
export function registerLog(program: Command, terminal: Terminal, setExit: (code: ExitCode) => void): void {
  withTargetOptions(
    program
      .command('log')
      .description("history, read-only: an address's versions (status, change set, run, approvers, review decision, times), or without an address the target's change sets")
      .argument('[address]', 'an IU address, e.g. handbook/backups/retention'),
  )
    .option('--json', 'print JSON', false)
    .action(async (address: string | undefined, options: TargetOptions & { json: boolean }) => {
      const target = await openTarget(targetFromOptions(options, process.env, 'read'));
      try {
        // Read-only: a history never changes the target.
        const read = <T>(work: Parameters<typeof target.admin<T>>[0]) => target.admin((s) => withinTransaction(s, () => work(s), { readOnly: true }));
        if (address !== undefined) {
          const versions = await read((s) => readAddressHistory(s, address));
          if (options.json) terminal.line(JSON.stringify({ address, versions }, null, 2));
          else if (versions.length === 0) terminal.line(`${address}: the target has never held it`);
          else {
            terminal.line(terminal.bold(address));
            for (const v of versions) {
              terminal.line(`  v${String(v.version).padEnd(3)} ${v.status.padEnd(10)} ${v.changeSetId}  run ${orDash(v.runId)}  cut by ${orDash(v.cutApprover)}, enacted by ${orDash(v.enactApprover)} (${orDash(v.reviewDecisionId)})  ${terminal.dim(`${v.createdAt} → ${v.updatedAt}`)}`);
            }
          }
        } else {
          const sets = await read((s) => readChangeSets(s));
          if (options.json) terminal.line(JSON.stringify({ changeSets: sets }, null, 2));
          else if (sets.length === 0) terminal.line('no change sets');
          else {
            for (const c of sets) terminal.line(changeSetLine(c, terminal));
          }
        }
        setExit(ExitCode.Ok);
      } finally {
        await target.close();
      }
    });
}
