import type { Command } from 'commander';
import { InvalidInput } from '../../errors/index.js';
import { Mode } from '../../domain/mode.js';
import { planHashOf } from '../../domain/change-set.js';
import { openTarget, type OpenTarget } from '../../postgres/open-target.js';
import { planRevert } from '../../postgres/plan-revert.js';
import { previewRevert } from '../../postgres/sql/revert.js';
import { ExitCode } from '../exit-codes.js';
import { printClassified } from '../plan-against-target.js';
import { withRunSession, type SessionOptions } from '../run-session.js';
import { startStoredRun } from '../start-run.js';
import { targetFromOptions, withTargetOptions } from '../target-options.js';
import type { Terminal } from '../terminal.js';

interface RevertOptions extends SessionOptions {
  readonly dryRun: boolean;
  readonly outOfOrder: boolean;
  readonly mode: string;
  readonly initiator: string;
  readonly json: boolean;
  readonly all: boolean;
}

/** True when the change set still has drafts: its run did not complete, and compensation (SG_3) undoes it. */
async function hasDrafts(target: OpenTarget, changeSetId: string): Promise<boolean> {
  const { rows } = await target.admin((s) => s.query("SELECT 1 FROM cutter.iu_versions WHERE change_set_id = $1 AND status = 'draft' LIMIT 1", [changeSetId]));
  return rows.length > 0;
}

/** `--dry-run` of a change set whose run did not complete: exactly what its compensation at SG_3 would do. */
async function previewCompensation(target: OpenTarget, changeSetId: string, terminal: Terminal, json: boolean): Promise<void> {
  const actions = await target.admin((session) => previewRevert(session, changeSetId));
  if (json) terminal.line(JSON.stringify({ changeSetId, compensation: actions }, null, 2));
  else {
    terminal.line(`${changeSetId} has not been enacted: its run's compensation (SG_3) would, in one transaction:`);
    for (const a of actions) terminal.line(`  ${a.action.padEnd(15)} ${a.address} v${a.version}`);
    terminal.line(terminal.dim('(nothing was changed: this was a preview)'));
  }
}

/** Registers `cutter revert`: revert a completed change set as a governed run (or preview it). */
export function registerRevert(program: Command, terminal: Terminal, setExit: (code: ExitCode) => void): void {
  withTargetOptions(
    program
      .command('revert')
      .description('revert a completed change set as a governed run whose change set is its inverse (retire what it made new, bring back what it superseded or retired): it passes SG_1 and SG_2, is backed up, written in one transaction, verified, and recorded as a revert in the ledger. --dry-run shows exactly that change set and starts nothing')
      .argument('<change-set>', 'the change set id (cs-...), from cutter log'),
  )
    .option('--dry-run', 'show what the revert run would do, and start nothing (for a change set that did not complete: what its compensation at SG_3 would do)', false)
    .option('--out-of-order', 'revert even where a later change set has touched the addresses, overwriting what it did there', false)
    .option('--mode <mode>', 'dryrun or live', 'live')
    .option('--initiator <name>', 'who starts the revert run (may not approve it)', process.env.USER ?? 'operator')
    .option('--config <file>', 'configuration file (approvers, backup); default $CUTTER_CONFIG, else ./cutter.config.json or .cutter/cutter.config.json')
    .option('--all', 'also list the addresses the revert leaves as they are', false)
    .option('--json', 'print JSON', false)
    .action(async (changeSetId: string, options: RevertOptions) => {
      const mode = options.mode.toUpperCase();
      if (mode !== Mode.DryRun && mode !== Mode.Live) throw new InvalidInput('mode', 'must be dryrun or live');
      if (options.dryRun) {
        const target = await openTarget(targetFromOptions(options, process.env, 'read'));
        try {
          if (await hasDrafts(target, changeSetId)) {
            await previewCompensation(target, changeSetId, terminal, options.json);
            setExit(ExitCode.Ok);
            return;
          }
          const revert = await planRevert(target.provider, changeSetId, { outOfOrder: options.outOfOrder });
          if (options.json) {
            terminal.line(JSON.stringify({ changeSetId, reverts: changeSetId, planHash: revert.plan === null ? null : planHashOf(revert.plan), counts: revert.counts, addresses: revert.addresses.filter((a) => options.all || a.action !== 'unchanged'), touchedLater: revert.touchedLater }, null, 2));
          } else {
            terminal.line(`${terminal.bold('revert of')}  ${changeSetId}${revert.touchedLater.length > 0 ? terminal.yellow(`  (out of order: overwrites what later change sets did at ${revert.touchedLater.join(', ')})`) : ''}`);
            printClassified(revert, terminal, { all: options.all });
            terminal.line(revert.plan === null ? terminal.green('nothing to revert: the target already holds what it held before') : `${terminal.bold('plan hash')}  ${planHashOf(revert.plan)}  ${terminal.dim('(the revert run pins exactly this change set; nothing was changed)')}`);
          }
          setExit(ExitCode.Ok);
        } finally {
          await target.close();
        }
        return;
      }
      await withRunSession(options, async (session) => {
        const revert = await planRevert(session.target.provider, changeSetId, { outOfOrder: options.outOfOrder });
        if (revert.plan === null) {
          terminal.line(options.json ? JSON.stringify({ nothingToRevert: true, changeSetId }, null, 2) : terminal.green(`nothing to revert: the target already holds what it held before ${changeSetId}; no run was started`));
          setExit(ExitCode.Ok);
          return;
        }
        if (!options.json) {
          terminal.line(`${terminal.bold('revert of')}  ${changeSetId}`);
          printClassified(revert, terminal);
        }
        await startStoredRun(session, terminal, setExit, { mode, plan: revert.plan, target: revert.target, initiator: options.initiator, json: options.json, command: 'cutter revert' });
      });
    });
}
