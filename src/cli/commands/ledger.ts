import type { Command } from 'commander';
import { verifyLedgerChain } from '../../domain/ledger-chain.js';
import { ErrorCode } from '../../errors/index.js';
import { openTarget } from '../../postgres/open-target.js';
import { readLedger } from '../../postgres/sql/ledger.js';
import { ExitCode } from '../exit-codes.js';
import { targetFromOptions, withTargetOptions, type TargetOptions } from '../target-options.js';
import type { Terminal } from '../terminal.js';

/** Registers `cutter ledger verify`. */
export function registerLedger(program: Command, terminal: Terminal, setExit: (code: ExitCode) => void): void {
  const ledger = program.command('ledger').description('the governance ledger');
  withTargetOptions(
    ledger
      .command('verify')
      .description('check the ledger\'s hash chain record by record; names the first bad record (exit 7) if any'),
  )
    .option('--json', 'print the result as JSON', false)
    .action(async (options: TargetOptions & { json: boolean }) => {
      const target = await openTarget(targetFromOptions(options));
      try {
        const records = await target.admin((session) => readLedger(session));
        const result = verifyLedgerChain(records);
        if (options.json) terminal.line(JSON.stringify(result, null, 2));
        else if (result.ok) terminal.line(`${terminal.green('ok')}: ${result.records} records, chain intact, head ${result.headHash}`);
        else terminal.error(`${terminal.red(ErrorCode.LedgerBroken)}: record #${result.seq}: ${result.reason}`);
        setExit(result.ok ? ExitCode.Ok : ExitCode.IntegrityFailure);
      } finally {
        await target.close();
      }
    });
}
