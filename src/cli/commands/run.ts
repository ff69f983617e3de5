import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { validateCutplan, type Cutplan } from '../../domain/cutplan.js';
import { Mode } from '../../domain/mode.js';
import { InvalidInput } from '../../errors/index.js';
import { loadPlanSources } from '../../planning/index.js';
import { createDurableRun } from '../../runs/durable-run.js';
import { exitCodeForRun, type ExitCode } from '../exit-codes.js';
import { withInspectOptions, withInspector, type InspectOptions } from '../inspect-option.js';
import { printRun, runJson } from '../print-run.js';
import { reportRunProgress } from '../run-reporter.js';
import { withRunSession, type SessionOptions } from '../run-session.js';
import { withTargetOptions } from '../target-options.js';
import type { Terminal } from '../terminal.js';

interface RunOptions extends SessionOptions, InspectOptions {
  readonly mode: string;
  readonly initiator: string;
  readonly json: boolean;
}

/** A plan file written by `cutter plan --out` (rows pinned by their plan hash), or sources to plan now. */
async function loadPlan(sources: readonly string[]): Promise<{ plan: Cutplan; expectedPlanHash?: string }> {
  const [only] = sources;
  if (sources.length === 1 && only?.endsWith('.json') === true) {
    const parsed = JSON.parse(await readFile(only, 'utf8')) as { format?: unknown; planHash?: unknown; rows?: unknown };
    if (parsed.format === 'cutter-plan/1') {
      if (typeof parsed.planHash !== 'string') throw new InvalidInput('planHash', `${only} has no plan hash`);
      return { plan: validateCutplan(parsed.rows), expectedPlanHash: parsed.planHash };
    }
  }
  return { plan: await loadPlanSources(sources) };
}

/** Registers `cutter run`: start a stored run, carry it to its first gate, and exit. */
export function registerRun(program: Command, terminal: Terminal, setExit: (code: ExitCode) => void): void {
  withInspectOptions(withTargetOptions(
    program
      .command('run')
      .description('start a run of a plan (a `cutter plan --out` file, or sources to plan now); it runs to its first gate, is stored, and this command exits')
      .argument('<plan...>', 'a plan file (.json from `cutter plan --out`), or Markdown/JSON/NDJSON sources'),
  ))
    .option('--mode <mode>', 'dryrun or live (live needs CUTTER_EXECUTION_ENABLED=on and the database kill switch ON)', 'dryrun')
    .option('--initiator <name>', 'who starts the run (may not approve it)', process.env.USER ?? 'operator')
    .option('--config <file>', 'configuration file (approvers, backup); default $CUTTER_CONFIG or ./cutter.config.json')
    .option('--json', 'print the run as JSON', false)
    .action(async (sources: string[], options: RunOptions) => {
      const mode = options.mode.toUpperCase();
      if (mode !== Mode.DryRun && mode !== Mode.Live) throw new InvalidInput('mode', 'must be dryrun or live');
      const { plan, expectedPlanHash } = await loadPlan(sources);
      await withRunSession(options, (session) => withInspector(options, terminal, async (inspector) => {
        const run = await createDurableRun({
          store: session.store, mode, plan, initiator: options.initiator, approvals: session.policy,
          executor: session.executorFor(mode), killSwitch: session.killSwitch, logger: session.logger,
          hold: { command: 'cutter run' },
          ...(expectedPlanHash === undefined ? {} : { expectedPlanHash }),
          ...(inspector === null ? {} : { inspect: inspector.inspect }),
        });
        const stop = options.json ? () => undefined : reportRunProgress(run, terminal);
        let view;
        try {
          run.start();
          view = await run.settled();
        } finally {
          stop();
          await run.release();
        }
        if (options.json) terminal.line(JSON.stringify(runJson(view), null, 2));
        else printRun(view, terminal);
        setExit(exitCodeForRun(view.state, view.output?.status ?? null));
      }));
    });
}
