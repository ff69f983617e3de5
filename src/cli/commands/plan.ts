import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { planHashOf } from '../../domain/change-set.js';
import { loadPlanSources } from '../../planning/index.js';
import { ExitCode } from '../exit-codes.js';
import type { Terminal } from '../terminal.js';

interface PlanOptions {
  readonly json: boolean;
  readonly out?: string;
}

/**
 * The file `cutter plan --out` writes and `cutter run` reads: the rows, pinned by their plan hash. A change set id is
 * given when a run pins the plan (one change set per run).
 */
export interface PlanFile {
  readonly format: 'cutter-plan/1';
  readonly planHash: string;
  readonly rows: readonly { address: string; title: string; body: string; contentHash: string }[];
}

/** `cutter plan`: cut sources into a validated cutplan and pin it. Non-mutating. */
export async function runPlan(sources: readonly string[], options: PlanOptions, terminal: Terminal): Promise<ExitCode> {
  const plan = await loadPlanSources(sources);
  const planHash = planHashOf(plan);
  const file: PlanFile = {
    format: 'cutter-plan/1',
    planHash,
    rows: plan.rows.map(({ address, title, body, contentHash }) => ({ address, title, body, contentHash })),
  };
  if (options.out !== undefined) await writeFile(options.out, `${JSON.stringify(file, null, 2)}\n`, 'utf8');
  if (options.json) {
    terminal.line(JSON.stringify({ planHash: file.planHash, rowCount: file.rows.length, addresses: file.rows.map((r) => r.address), out: options.out ?? null }, null, 2));
    return ExitCode.Ok;
  }
  terminal.line(`${terminal.bold('plan hash')}  ${planHash}`);
  terminal.line(`${terminal.bold('rows')}       ${plan.rows.length}`);
  for (const row of plan.rows) terminal.line(`  ${row.address}  ${terminal.dim(`${row.title} (${Buffer.byteLength(row.body, 'utf8')} bytes)`)}`);
  if (options.out !== undefined) terminal.line(`wrote ${options.out}`);
  return ExitCode.Ok;
}

/** Registers `cutter plan`. */
export function registerPlan(program: Command, terminal: Terminal, setExit: (code: ExitCode) => void): void {
  program
    .command('plan')
    .description('cut Markdown/JSON/NDJSON sources into a validated cutplan and pin its plan hash (writes nothing to any database)')
    .argument('<sources...>', 'files or folders: .md/.markdown are cut at their headings; .json/.ndjson/.jsonl hold rows')
    .option('-o, --out <file>', 'write the pinned plan (rows + plan hash) to this file')
    .option('--json', 'print a JSON summary', false)
    .action(async (sources: string[], options: PlanOptions) => {
      setExit(await runPlan(sources, options, terminal));
    });
}
