import { join } from 'node:path';
import type { Command } from 'commander';
import { Mode } from '../../domain/mode.js';
import { DryRunSimulator } from '../../executors/simulator.js';
import { loadPlanSources } from '../../planning/index.js';
import { createRun } from '../../runner/create-run.js';
import { demoApprovers } from '../demo-approvers.js';
import { exitCodeForRun, type ExitCode } from '../exit-codes.js';
import { packageRoot } from '../package-root.js';
import { reportRunProgress } from '../run-reporter.js';
import type { Terminal } from '../terminal.js';

interface DemoOptions {
  readonly json: boolean;
}

/**
 * The main job of `npm start`: plan the example documents, then carry them through a DRYRUN run with demo approvals,
 * printing phase by phase what a LIVE run would write. Nothing is written anywhere.
 */
export async function runDemo(sources: readonly string[], options: DemoOptions, terminal: Terminal): Promise<ExitCode> {
  const paths = sources.length > 0 ? sources : [join(packageRoot(), 'examples', 'docs')];
  const plan = await loadPlanSources(paths);
  const simulator = new DryRunSimulator();
  const approvers = demoApprovers();
  const run = createRun({ mode: Mode.DryRun, plan, executor: simulator, initiator: approvers.initiator, approvals: approvers.policy });

  if (!options.json) {
    terminal.line(terminal.bold('Cutter demo: a DRYRUN run over the example documents (nothing is written)'));
    terminal.line(terminal.dim(`sources: ${paths.join(', ')}`));
  }
  const stopReporting = options.json ? () => undefined : reportRunProgress(run, terminal);
  run.start();
  for (let view = await run.settled(); view.gate !== null; view = await run.settled()) {
    const outcome = run.approve(approvers.sign(view, view.gate));
    if (!outcome.accepted && !options.json) terminal.line(`  ${terminal.dim('└')} ${view.gate} ${terminal.red('refused')}: ${outcome.reason}`);
    if (!outcome.accepted || view.gate === 'SG_3') break;
  }
  const end = await run.settled();
  stopReporting();
  const writes = end.context.changeSet === null ? [] : simulator.simulatedWrites(end.context.changeSet.changeSetId);

  if (options.json) {
    terminal.line(JSON.stringify({ runId: run.id, state: end.state, output: end.output, wouldWrite: writes }, null, 2));
  } else {
    terminal.line();
    terminal.line(terminal.bold(`What a LIVE run would write (${writes.length} IUs, change set ${end.context.changeSet?.changeSetId ?? '-'}):`));
    const titles = new Map(plan.rows.map((r) => [r.address, r.title]));
    for (const w of writes) terminal.line(`  ${w.address} v${w.version}  ${terminal.dim(titles.get(w.address) ?? '')}`);
    terminal.line(`plan hash ${end.context.changeSet?.planHash ?? '-'}`);
    terminal.line(`run ${run.id} ended ${end.output?.status === 'completed' ? terminal.green(end.state) : terminal.red(end.state)}`);
  }
  return exitCodeForRun(end.state, end.output?.status ?? null);
}

/** Registers `cutter demo`. */
export function registerDemo(program: Command, terminal: Terminal, setExit: (code: ExitCode) => void): void {
  program
    .command('demo')
    .description('plan the example documents and carry them through a DRYRUN run with demo approvals (writes nothing)')
    .argument('[sources...]', 'Markdown/JSON/NDJSON files or folders to plan (default: the bundled examples/docs)')
    .option('--json', 'print the run output as JSON instead of the report', false)
    .action(async (sources: string[], options: DemoOptions) => {
      setExit(await runDemo(sources, options, terminal));
    });
}
