import type { Command } from 'commander';
import { planHashOf } from '../../domain/change-set.js';
import { validateCutplan, type Cutplan } from '../../domain/cutplan.js';
import { Mode } from '../../domain/mode.js';
import { InvalidInput, PlanInvalid, PlanPinMismatch } from '../../errors/index.js';
import { loadPlanSources, readSourceText } from '../../planning/index.js';
import { expandSources } from '../../planning/plan.js';
import { parseJsonDocument } from '../../planning/rows-input.js';
import { ExitCode } from '../exit-codes.js';
import { startStoredRun } from '../start-run.js';
import { runsStreamed, startStreamedRun } from '../run-streamed.js';
import { checkRetireOptions, countsLine, planAgainstTarget, type RetireOptions } from '../plan-against-target.js';
import { withInspectOptions, withInspector, type InspectOptions } from '../inspect-option.js';
import { withRunSession, type SessionOptions } from '../run-session.js';
import { withTargetOptions } from '../target-options.js';
import type { Terminal } from '../terminal.js';

interface RunOptions extends SessionOptions, InspectOptions {
  readonly mode: string;
  readonly initiator: string;
  readonly json: boolean;
}

/**
 * A plan file written by `cutter plan --out` (rows pinned by their plan hash), or sources to plan now. A plan file is
 * checked whole here, before any database is opened: a plan whose rows no longer hash to its pinned plan hash is
 * refused (E_PLAN_PIN_MISMATCH) with nothing recorded, rather than becoming a refused run in the store.
 */
async function loadPlan(sources: readonly string[]): Promise<{ plan: Cutplan; expectedPlanHash?: string; classified: boolean }> {
  const [only] = sources;
  if (sources.length === 1 && only?.toLowerCase().endsWith('.json') === true) {
    const text = await readSourceText(only);
    // The same parse as a rows source (BOM, duplicate keys, errors naming the file), then the plan file's own shape.
    const parsed = parseSourceJson(only, text);
    if (isPlanFile(parsed)) {
      const file = parsed as { planHash?: unknown; rows?: unknown };
      if (typeof file.planHash !== 'string') throw new InvalidInput('planHash', `${only} has no plan hash`);
      const plan = inFile(only, () => validateCutplan(file.rows));
      const actual = planHashOf(plan);
      if (actual !== file.planHash) throw new PlanPinMismatch(file.planHash, actual, only);
      return { plan, expectedPlanHash: file.planHash, classified: true };
    }
  }
  return { plan: await loadPlanSources(sources), classified: false };
}

const PLAN_FORMATS: readonly unknown[] = ['cutter-plan/1', 'cutter-plan/2'];

function isPlanFile(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && PLAN_FORMATS.includes((value as { format?: unknown }).format);
}

/** A .json source parsed strictly, its errors naming the file (one that is not a plan file is then read as rows). */
function parseSourceJson(path: string, text: string): unknown {
  return inFile(path, () => parseJsonDocument(text));
}

/** Runs `parse`, prefixing each plan issue with the file it is in: a row number alone does not say which file to fix. */
function inFile<T>(path: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof PlanInvalid)) throw error;
    throw new PlanInvalid(error.issues.map((issue) => ({ ...issue, message: `${path}: ${issue.message}` })));
  }
}

interface RunOptions extends SessionOptions, InspectOptions, RetireOptions {
  readonly mode: string;
  readonly initiator: string;
  readonly json: boolean;
}

/** Registers `cutter run`: plan against the target, start a stored run of the change set, carry it to its first gate, and exit. */
export function registerRun(program: Command, terminal: Terminal, setExit: (code: ExitCode) => void): void {
  withInspectOptions(withTargetOptions(
    program
      .command('run')
      .description('plan sources against the target (or take a `cutter plan --out` file) and start a run of the change set; it runs to its first gate, is stored, and this command exits. Sources with nothing to change start no run')
      .argument('<plan...>', 'a plan file (.json from `cutter plan --out`), or Markdown/JSON/NDJSON sources'),
  ))
    .option('--mode <mode>', 'dryrun or live (live needs CUTTER_EXECUTION_ENABLED=on and the database kill switch ON)', 'dryrun')
    .option('--initiator <name>', 'who starts the run (may not approve it)', process.env.USER ?? 'operator')
    .option('--retire-missing', 'retire enacted addresses the sources no longer name, within the sources\' documents (or --scope)', false)
    .option('--scope <prefix...>', 'with --retire-missing: the address prefixes to retire within')
    .option('--config <file>', 'configuration file (approvers, backup); default $CUTTER_CONFIG, else ./cutter.config.json or .cutter/cutter.config.json')
    .option('--json', 'print the run as JSON', false)
    .action(async (sources: string[], options: RunOptions) => {
      checkRetireOptions(options);
      const mode = options.mode.toUpperCase();
      if (mode !== Mode.DryRun && mode !== Mode.Live) throw new InvalidInput('mode', 'must be dryrun or live');
      if (runsStreamed(sources, mode, options)) {
        // Every named source exists and is readable before the target is opened; its rows are read as they are pinned.
        const files = await expandSources(sources);
        await withRunSession(options, (session) => withInspector(options, terminal, (inspector) =>
          startStreamedRun(files, session, terminal, setExit, { ...options, inspect: inspector?.inspect })));
        return;
      }
      const loaded = await loadPlan(sources);
      await withRunSession(options, (session) => withInspector(options, terminal, async (inspector) => {
        // Sources are planned against the target now; a plan file was planned when it was written (the cut refuses
        // it, naming the rows, if the target moved since).
        const classified = await planAgainstTarget(session.target, loaded.plan, options);
        const plan = loaded.classified ? loaded.plan : classified.plan;
        if (plan === null) {
          if (options.json) terminal.line(JSON.stringify({ nothingToChange: true, counts: classified.counts, target: session.target.description }, null, 2));
          else terminal.line(terminal.green(`nothing to change: the target already holds these sources (${countsLine(classified)}); no run was started`));
          setExit(ExitCode.Ok);
          return;
        }
        if (!options.json && !loaded.classified) terminal.line(`${terminal.bold('changes')}    ${countsLine(classified)}`);
        await startStoredRun(session, terminal, setExit, {
          mode, plan, target: classified.target, initiator: options.initiator, json: options.json, inspect: inspector?.inspect,
          command: 'cutter run', ...(loaded.expectedPlanHash === undefined ? {} : { expectedPlanHash: loaded.expectedPlanHash }),
        });
      }));
    });
}
