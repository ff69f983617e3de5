import type { Command } from 'commander';
import { InvalidInput, OptionMissing } from '../../errors/index.js';
import { openTarget } from '../../postgres/open-target.js';
import { setDatabaseKillSwitch } from '../../postgres/sql/kill-switch.js';
import { appendLedger } from '../../postgres/sql/ledger.js';
import { withinTransaction } from '../../postgres/transaction.js';
import { ExitCode } from '../exit-codes.js';
import { targetFromOptions, withTargetOptions, type TargetOptions } from '../target-options.js';
import type { Terminal } from '../terminal.js';

interface KillSwitchOptions extends TargetOptions {
  readonly as?: string;
  readonly reason?: string;
  readonly json: boolean;
}

/** Registers `cutter kill-switch on|off|status`: the target's own switch, each change recorded in the ledger. */
export function registerKillSwitch(program: Command, terminal: Terminal, setExit: (code: ExitCode) => void): void {
  withTargetOptions(
    program
      .command('kill-switch')
      .description('the target\'s kill switch: status, or turn it on/off (who and why are recorded in the ledger)')
      .argument('<action>', 'on, off or status'),
  )
    .option('--as <name>', 'who changes it (required for on/off)')
    .option('--reason <text>', 'why (required for on/off)')
    .option('--json', 'print JSON', false)
    .action(async (action: string, options: KillSwitchOptions) => {
      if (!['on', 'off', 'status'].includes(action)) throw new InvalidInput('action', 'must be on, off or status');
      if (action !== 'status' && (options.as === undefined || options.reason === undefined)) throw new OptionMissing(options.as === undefined ? 'as' : 'reason', `kill-switch ${action} records who and why`);
      const target = await openTarget(targetFromOptions(options, process.env, action === 'status' ? 'read' : 'write'));
      try {
        if (action !== 'status') {
          const enabled = action === 'on';
          // The switch and its ledger record commit together, or neither does.
          await target.admin((s) => withinTransaction(s, async () => {
            await setDatabaseKillSwitch(s, enabled, options.as ?? '', options.reason ?? '');
            await appendLedger(s, { kind: 'kill-switch', changeSetId: null, payload: { enabled, by: options.as ?? '', reason: options.reason ?? '' } });
          }));
        }
        const row = await target.admin(async (s) => (await s.query<{ enabled: boolean; changed_by: string; reason: string; changed_at: Date | string }>('SELECT enabled, changed_by, reason, changed_at FROM cutter.kill_switch')).rows[0]);
        const state = { enabled: row?.enabled ?? false, changedBy: row?.changed_by ?? null, reason: row?.reason ?? null, changedAt: row === undefined ? null : new Date(row.changed_at).toISOString() };
        if (options.json) terminal.line(JSON.stringify(state, null, 2));
        else terminal.line(`kill switch ${state.enabled ? terminal.green('ON') : terminal.red('OFF')} (set by ${state.changedBy ?? '?'} at ${state.changedAt ?? '?'}: ${state.reason ?? ''})`);
        setExit(ExitCode.Ok);
      } finally {
        await target.close();
      }
    });
}
