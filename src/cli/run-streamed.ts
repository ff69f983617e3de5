import { randomUUID } from 'node:crypto';
import { Mode } from '../domain/mode.js';
import { reopenableSourceRows, type SourceFile } from '../planning/source-rows.js';
import { pinSourceRows } from '../postgres/pin-sources.js';
import type { RunInspector } from '../runner/run-inspection.js';
import { ExitCode } from './exit-codes.js';
import { countsLine, type RetireOptions } from './plan-against-target.js';
import { retireWithin } from './plan-streamed.js';
import type { RunSession } from './run-session.js';
import { startStoredRun } from './start-run.js';
import { targetFromOptions, type TargetOptions } from './target-options.js';
import type { Terminal } from './terminal.js';

/**
 * Whether `cutter run` plans these sources streamed, never holding the plan: a LIVE run of Markdown, NDJSON or
 * several sources on PostgreSQL. A single `.json` (a plan file, or rows read whole within their size limit), a DRYRUN
 * run (its simulator holds the plan) and the embedded target (whose sources are read before its folder is opened)
 * take the plan in memory.
 */
export function runsStreamed(sources: readonly string[], mode: Mode, options: TargetOptions): boolean {
  const single = sources.length === 1 ? sources[0] : undefined;
  if (mode !== Mode.Live || single?.toLowerCase().endsWith('.json') === true) return false;
  return targetFromOptions(options, process.env, 'write').kind !== 'embedded';
}

/** Rows between two progress lines while the sources are staged. */
const PROGRESS_EVERY = 100_000;

/** The rows as they pass, with a line on stderr every {@link PROGRESS_EVERY}: staging a million rows takes minutes. */
async function* counted<T>(rows: AsyncIterable<T>, terminal: Terminal): AsyncGenerator<T> {
  let n = 0;
  for await (const row of rows) {
    n += 1;
    if (n % PROGRESS_EVERY === 0) terminal.error(terminal.dim(`  planning: ${n.toLocaleString('en-US')} rows read, validated and staged`));
    yield row;
  }
}

export interface StreamedRunOptions extends RetireOptions {
  readonly initiator: string;
  readonly json: boolean;
}

/**
 * `cutter run --mode live` of sources on PostgreSQL: the sources are staged, classified and pinned for a new run in
 * the target a row at a time (pinSourceRows), and the run is started from the pin's facts, so neither planning nor any
 * phase after it holds the plan. Sources the target already holds start no run.
 */
export async function startStreamedRun(
  files: readonly SourceFile[],
  session: RunSession,
  terminal: Terminal,
  setExit: (code: ExitCode) => void,
  options: StreamedRunOptions & { readonly inspect?: RunInspector | undefined },
): Promise<void> {
  const runId = randomUUID();
  // Planning reads the sources twice; the first reading, of every row, is the one worth a progress line.
  const sources = reopenableSourceRows(files, (rows) => counted(rows, terminal));
  const { staged, facts } = await pinSourceRows(session.target.provider, runId, sources, { retireWithin: retireWithin(options) });
  if (facts === null) {
    if (options.json) terminal.line(JSON.stringify({ nothingToChange: true, counts: staged.counts, target: session.target.description }, null, 2));
    else terminal.line(terminal.green(`nothing to change: the target already holds these sources (${countsLine(staged)}); no run was started`));
    setExit(ExitCode.Ok);
    return;
  }
  if (!options.json) terminal.line(`${terminal.bold('changes')}    ${countsLine(staged)}`);
  await startStoredRun(session, terminal, setExit, {
    mode: Mode.Live, plan: facts, target: new Map(), initiator: options.initiator, json: options.json, inspect: options.inspect, command: 'cutter run',
  });
}
