import type { Command } from 'commander';
import type { Snapshot } from 'xstate';
import { RunNotFound } from '../../runs/errors.js';
import { findRun } from '../../runs/run-store.js';
import { statusWordOf } from '../../runner/run-view.js';
import { viewOfStoredRun, type UpgradeStanding } from '../../runs/upgrade/stored-view.js';
import { ExitCode } from '../exit-codes.js';
import { printNextSteps, printRun, runJson } from '../print-run.js';
import { runListLines, runsByTime } from '../run-list.js';
import { withRunSession, type SessionOptions } from '../run-session.js';
import { storedRiskRules } from '../../runs/stored-risk.js';
import { nextStepsOf } from '../next-steps-of.js';
import { withTargetOptions } from '../target-options.js';
import type { Terminal } from '../terminal.js';

interface StatusOptions extends SessionOptions {
  readonly json: boolean;
}

/** Read for the policy a parked run is judged by; a backup it names is never built by these read-only commands. */
const CONFIG_OPTION = 'configuration file (approvers, policy); default $CUTTER_CONFIG, else ./cutter.config.json or .cutter/cutter.config.json';

/** What restoring a run of an earlier version will do, for people; null for a run of this build's version. */
export function upgradeLine(upgrade: UpgradeStanding): string | null {
  if (upgrade.kind === 'current') return null;
  if (upgrade.kind === 'migrates') return `stored by snapshot version ${upgrade.from}; the next command that acts on it migrates it to ${upgrade.to} (${upgrade.steps.join('; ')})`;
  return `stored by snapshot version ${upgrade.from}; it cannot continue under version ${upgrade.to} and will be stored stranded: it can then only be cancelled`;
}

/** Registers `cutter status` and `cutter list`: read-only views of stored runs. */
export function registerStatus(program: Command, terminal: Terminal, setExit: (code: ExitCode) => void): void {
  withTargetOptions(program.command('list').description('list the runs stored in the target, oldest first (the newest is the last line)'))
    .option('--config <file>', CONFIG_OPTION)
    .option('--json', 'print JSON', false)
    .action(async (options: StatusOptions) => {
      await withRunSession(options, async ({ store }) => {
        const runs = runsByTime(await store.list());
        // `status` is the word `cutter status` shows (parked, active, how it ended), in the table and the JSON alike.
        if (options.json) terminal.line(JSON.stringify(runs.map((r) => ({ ...r, status: statusWordOf(r) })), null, 2));
        else if (runs.length === 0) terminal.line('no runs');
        else {
          const [header, ...rows] = runListLines(runs);
          terminal.line(terminal.bold(header ?? ''));
          for (const row of rows) terminal.line(row);
        }
        setExit(ExitCode.Ok);
      }, 'read');
    });

  withTargetOptions(program.command('status').description('show where a stored run is, what it did, and what can be done next').argument('[run]', 'run id (default: the most recent run)'))
    .option('--journal', 'also print the journal of events the run received', false)
    .option('--config <file>', CONFIG_OPTION)
    .option('--json', 'print JSON', false)
    .action(async (runId: string | undefined, options: StatusOptions & { journal: boolean }) => {
      await withRunSession(options, async (session) => {
        const { store } = session;
        const id = runId ?? runsByTime(await store.list()).at(-1)?.runId;
        if (id === undefined) throw new RunNotFound('(none stored)');
        const loaded = await findRun(store, id);
        if (loaded === null) throw new RunNotFound(id);
        if (loaded.snapshot === null) throw new RunNotFound(`${id} (stored, but never started)`);
        const { view, upgrade } = viewOfStoredRun(loaded.run, loaded.snapshot);
        const journal = options.journal ? await store.journal(id) : [];
        const next = view.parked ? await nextStepsOf(session.target, session.policy, session.killSwitch, view, await storedRiskRules(store, id, session.policy)) : [];
        if (options.json) terminal.line(JSON.stringify({ ...runJson(view), upgrade, next, stored: loaded.run, snapshot: loaded.snapshot as Snapshot<unknown> | null, journal }, null, 2));
        else {
          printRun(view, terminal);
          const line = upgradeLine(upgrade);
          if (line !== null) terminal.line(`${terminal.bold('upgrade')}    ${line}`);
          printNextSteps(next, terminal);
          for (const entry of journal) terminal.line(`  ${String(entry.seq).padStart(3)} ${entry.at} ${entry.event.type}`);
        }
        setExit(ExitCode.Ok);
      }, 'read');
    });
}
