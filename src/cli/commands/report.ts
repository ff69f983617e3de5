import { join } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { DefaultPath } from '../../config/cutter-folder.js';
import { EnvKillSwitch } from '../../kill-switch/index.js';
import { openTarget } from '../../postgres/open-target.js';
import { storedRiskRules } from '../../runs/stored-risk.js';
import { nextStepsOf } from '../next-steps-of.js';
import { PostgresRunStore } from '../../postgres/run-store.js';
import { readTimedLedger } from '../../postgres/sql/ledger.js';
import { buildRunReport } from '../../report/index.js';
import { ExitCode } from '../exit-codes.js';
import { counted } from '../../text/plural.js';
import { writeOutputFile } from '../output-file.js';
import { targetFromOptions, withTargetOptions, type TargetOptions } from '../target-options.js';
import type { Terminal } from '../terminal.js';

interface ReportOptions extends TargetOptions {
  readonly html?: boolean;
  readonly out?: string;
  readonly json: boolean;
  readonly config?: string;
}

/** The default file name: the run id, kept to characters that are safe in a file name everywhere. */
export function defaultReportFile(runId: string): string {
  return `cutter-report-${runId.replace(/[^\w.-]/g, '_')}.html`;
}

/** Where the report goes without `--out`: in .cutter/reports/, which git ignores. */
export function defaultReportPath(runId: string): string {
  return join(DefaultPath.reports, defaultReportFile(runId));
}

/** Registers `cutter report`: one self-contained HTML page about a stored run, for reviewers and auditors. */
export function registerReport(program: Command, terminal: Terminal, setExit: (code: ExitCode) => void): void {
  withTargetOptions(
    program
      .command('report')
      .description('write a self-contained HTML report of a stored run: header, statechart with the path taken, phase timeline, approvals and refusals, ledger entries; reads only')
      .argument('<run>', 'run id (see `cutter list`)'),
  )
    .option('--html', 'write HTML (the default, and for now the only format)')
    .option('--config <file>', 'configuration file (approvers, policy), for what a parked run still needs; default $CUTTER_CONFIG, else ./cutter.config.json or .cutter/cutter.config.json')
    .option('--out <file>', `where to write the report (default: ${DefaultPath.reports}/cutter-report-<run>.html)`)
    .option('--json', 'print where the report was written and a summary, as JSON', false)
    .addHelpText('after', [
      '',
      'The page needs no network and no script: inline CSS, the statechart as inline SVG (rendered now), and a',
      'Content-Security-Policy that forbids fetching anything. It shows no IU bodies and no secrets (DSNs masked).',
      'Exit codes: 0 written · 3 no such run, or the file cannot be written there (E_INVALID_INPUT naming --out).',
    ].join('\n'))
    .action(async (runId: string, options: ReportOptions) => {
      const target = await openTarget(targetFromOptions(options, process.env, 'read'));
      let report: Awaited<ReturnType<typeof buildRunReport>>;
      try {
        const store = new PostgresRunStore((work) => target.admin(work));
        report = await buildRunReport({
          store,
          runId,
          readLedger: () => target.admin((session) => readTimedLedger(session)),
          target: target.description,
          nextSteps: async (view) => {
            const policy = (await loadConfig(options.config)).approvalPolicy;
            return nextStepsOf(target, policy, new EnvKillSwitch(), view, await storedRiskRules(store, runId, policy));
          },
        });
      } finally {
        await target.close();
      }
      const file = await writeOutputFile(options.out ?? defaultReportPath(runId), report.html);
      const { header, timeline, decisions, ledger, path } = report.model;
      if (options.json) {
        terminal.line(JSON.stringify({
          file, runId: header.runId, mode: header.mode, state: header.state, status: header.status, planHash: header.planHash,
          changeSetId: header.changeSetId, bytes: Buffer.byteLength(report.html), pathComplete: path.complete,
          timelineRows: timeline.length, decisions: decisions.length, ledgerEntries: ledger.entries.length, ledgerChainOk: ledger.chain.ok,
          addresses: report.model.addresses?.total ?? null, killSwitchRecords: report.model.killSwitch.length, interruptions: header.interruptions,
        }, null, 2));
      } else {
        terminal.line(`${terminal.green('wrote')} ${file}`);
        terminal.line(`  run ${header.runId} (${header.mode}) ${header.state} [${header.status}]: ${counted(timeline.length, 'timeline row')}, ${counted(decisions.length, 'decision')}, ${counted(ledger.entries.length, 'ledger entry', 'ledger entries')}`);
        if (!path.complete) terminal.line(terminal.yellow('  the journal did not match the statechart step by step; only the states it names are highlighted'));
      }
      setExit(ExitCode.Ok);
    });
}
