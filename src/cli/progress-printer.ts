import type { PhaseProgress } from '../postgres/postgres-adapter.js';
import { counted } from '../text/plural.js';
import { writeIfOpen } from './closed-output.js';

export interface ProgressSink {
  /** True when the sink is a terminal: the line is redrawn in place. Otherwise lines are appended. */
  readonly interactive: boolean;
  write(text: string): void;
}

const number = new Intl.NumberFormat('en-US');

/** What the database is doing to the rows of each writing phase, for the line printed as it starts. */
const DOING: Readonly<Record<string, string>> = { planning: 'pinning', cutLegA: 'writing', lifecycleEnact: 'enacting' };

/** `cutLegA 45,000/100,000 rows (45%) · 31,200 rows/s`; a finished phase also says how long it took. */
export function formatProgress(progress: PhaseProgress, elapsedMs: number): string {
  const percent = progress.total === 0 ? 100 : Math.floor((progress.done / progress.total) * 100);
  const rate = elapsedMs <= 0 ? 0 : Math.round((progress.done / elapsedMs) * 1000);
  const took = progress.finished && elapsedMs > 0 ? ` in ${(elapsedMs / 1000).toFixed(1)} s` : '';
  return `${progress.phase} ${number.format(progress.done)}/${counted(progress.total, 'row')} (${percent}%)${took} · ${number.format(rate)} rows/s`;
}

/** `cutLegA writing 100,000 rows…`: the line of a phase that has started and written nothing yet. */
export function formatStart(progress: PhaseProgress): string {
  return `${progress.phase} ${DOING[progress.phase] ?? 'processing'} ${counted(progress.total, 'row')}…`;
}

/**
 * Prints a phase's progress for a person, following the reports the adapter makes as the database completes each
 * chunk. The rate runs from the phase's start report (`done: 0`), or from its first report if it made none. On a
 * terminal the line is redrawn in place; otherwise a line is appended as the phase starts, at each further 10% of its
 * rows, whenever `intervalMs` passed since the last line, and at the end, so a log file shows the work moving.
 * Phases of fewer than `minRows` rows are over before a person could read a line: they print nothing.
 */
export function createProgressPrinter(
  sink: ProgressSink,
  { now = () => performance.now(), intervalMs = 2_000, minRows = 0 }: { now?: () => number; intervalMs?: number; minRows?: number } = {},
) {
  let phase = '';
  let started = 0;
  let lastPrinted = -Infinity;
  let nextTenth = 0;
  return (progress: PhaseProgress): void => {
    if (progress.total < minRows) return;
    const at = now();
    const starting = progress.done === 0 && !progress.finished;
    if (progress.phase !== phase || starting) {
      phase = progress.phase;
      started = at;
      lastPrinted = -Infinity;
      nextTenth = 0;
    }
    const { finished } = progress;
    const text = `  ${starting ? formatStart(progress) : formatProgress(progress, at - started)}`;
    if (sink.interactive) {
      // Every row written, the phase still checks and commits: say so rather than sit at 100% as if stuck.
      const closing = !finished && progress.total > 0 && progress.done >= progress.total ? ' · checking and committing…' : '';
      sink.write(`\r\u001b[2K${text}${closing}${finished ? '\n' : ''}`);
      return;
    }
    const tenth = progress.total === 0 ? 10 : Math.floor((progress.done / progress.total) * 10);
    // All rows written is not yet the phase's end (its checks and commit follow): only the finishing report says 100%.
    const due = finished || (progress.done < progress.total && (tenth >= nextTenth || at - lastPrinted >= intervalMs));
    if (!due) return;
    sink.write(`${text}\n`);
    lastPrinted = at;
    nextTenth = tenth + 1;
  };
}

/** The CLI's progress line on stderr (stdout stays the command's own output): phases of 1,000 rows or more. */
export function stderrProgress(stderr: NodeJS.WriteStream = process.stderr): (progress: PhaseProgress) => void {
  return createProgressPrinter({ interactive: stderr.isTTY, write: (text) => { writeIfOpen(stderr, text); } }, { minRows: 1_000 });
}
