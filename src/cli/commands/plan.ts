import type { Command } from 'commander';
import { planHashOf } from '../../domain/change-set.js';
import type { RowAction } from '../../domain/iu.js';
import { openTarget } from '../../postgres/open-target.js';
import { expandSources, loadPlanSources } from '../../planning/plan.js';
import { runStreamedPlan } from '../plan-streamed.js';
import { ExitCode } from '../exit-codes.js';
import { writeOutputFile } from '../output-file.js';
import { bodyDiffs, checkRetireOptions, countsLine, planAgainstTarget, printClassified, type RetireOptions } from '../plan-against-target.js';
import { targetFromOptions, withTargetOptions, type TargetOptions } from '../target-options.js';
import type { Terminal } from '../terminal.js';
import { counted } from '../../text/plural.js';

export interface PlanOptions extends TargetOptions, RetireOptions {
  readonly json: boolean;
  readonly out?: string;
  readonly diff: boolean;
  readonly all: boolean;
}

/**
 * The file `cutter plan --out` writes and `cutter run` reads: the change set's rows, each with its action, pinned by
 * their plan hash (which covers the actions). A change set id is given when a run pins the plan.
 */
export interface PlanFile {
  readonly format: 'cutter-plan/2';
  readonly planHash: string;
  readonly rows: readonly { address: string; title: string; body: string; contentHash: string; action?: RowAction }[];
}

/** `cutter plan`: the exact change set of the sources against the target, read-only, with its diff. */
export async function runPlan(sources: readonly string[], options: PlanOptions, terminal: Terminal): Promise<ExitCode> {
  // Read-only lookups are bounded by $CUTTER_QUERY_TIMEOUT; a streamed plan's statements grow with the plan (a
  // million rows staged and classified by the server), so only its connecting is bounded, as a writing command's is.
  const config = targetFromOptions(options, process.env, 'read');
  // On PostgreSQL the plan is streamed into the target's session and never held here (a million rows fit); the
  // embedded target reads the sources whole first, so a bad source is refused before its folder is ever opened.
  if (config.kind !== 'embedded') {
    const files = await expandSources(sources);
    const target = await openTarget(targetFromOptions(options, process.env, 'write'));
    try {
      return await runStreamedPlan(files, target, options, terminal);
    } finally {
      await target.close();
    }
  }
  const loaded = await loadPlanSources(sources);
  const target = await openTarget(config);
  try {
    const classified = await planAgainstTarget(target, loaded, options);
    const plan = classified.plan;
    const planHash = plan === null ? null : planHashOf(plan);
    const diffs = options.diff ? await bodyDiffs(target, classified) : [];
    if (options.out !== undefined && plan !== null && planHash !== null) {
      const file: PlanFile = {
        format: 'cutter-plan/2',
        planHash,
        rows: plan.rows.map(({ address, title, body, contentHash, action }) => ({ address, title, body, contentHash, ...(action === undefined ? {} : { action }) })),
      };
      await writeOutputFile(options.out, `${JSON.stringify(file, null, 2)}\n`);
    }
    if (options.json) {
      terminal.line(JSON.stringify({
        target: target.description, planHash, counts: classified.counts,
        rowCount: plan?.rows.length ?? 0,
        addresses: classified.addresses.filter((a) => options.all || a.action !== 'unchanged'),
        ...(options.diff ? { diffs } : {}),
        out: plan === null ? null : (options.out ?? null),
      }, null, 2));
      return ExitCode.Ok;
    }
    terminal.line(`${terminal.bold('target')}     ${target.description}`);
    // A summary unless asked for the rows: at 100k rows a listing was 100k lines of stdout nobody reads.
    if (options.all) printClassified(classified, terminal, { all: true });
    else terminal.line(`${terminal.bold('changes')}    ${countsLine(classified)}`);
    for (const diff of diffs) terminal.line(diff.trimEnd());
    if (plan === null) {
      terminal.line(terminal.green('nothing to change: the target already holds these sources'));
      return ExitCode.Ok;
    }
    terminal.line(`${terminal.bold('plan hash')}  ${planHash ?? ''}  ${terminal.dim(`(${counted(plan.rows.length, 'row')}; an approval approves exactly this diff)`)}`);
    if (options.out !== undefined) terminal.line(`wrote ${options.out}`);
    if (!options.all) terminal.line(terminal.dim('  --all lists each address, --diff shows each changed body, --out or --json writes the rows'));
    return ExitCode.Ok;
  } finally {
    await target.close();
  }
}

/** Registers `cutter plan`. */
export function registerPlan(program: Command, terminal: Terminal, setExit: (code: ExitCode) => void): void {
  withTargetOptions(
    program
      .command('plan')
      .description('plan Markdown/JSON/NDJSON sources against the target, read-only: each address new (+), changed (~), retired (-) or unchanged (=), and the plan hash that covers exactly that change set')
      .argument('<sources...>', 'files or folders: .md/.markdown are cut at their headings; .json/.ndjson/.jsonl hold rows'),
  )
    .option('-o, --out <file>', 'write the change set (rows with their actions, and the plan hash) to this file, for `cutter run`')
    .option('--retire-missing', 'retire enacted addresses the sources no longer name, within the sources\' documents (or --scope)', false)
    .option('--scope <prefix...>', 'with --retire-missing: the address prefixes to retire within (e.g. a document id whose file was deleted)')
    .option('--diff', 'show a unified diff of each changed (and retired) body against the enacted one', false)
    .option('--all', 'list every address with its action (unchanged ones too); without it, only the counts and the plan hash', false)
    .option('--json', 'print the plan as JSON', false)
    .action(async (sources: string[], options: PlanOptions) => {
      checkRetireOptions(options);
      setExit(await runPlan(sources, options, terminal));
    });
}
