import type { PhaseProgress } from '../postgres/postgres-adapter.js';

export interface ProgressSink {
  /** True when the sink is a terminal: the line is redrawn in place. Otherwise lines are appended, at most one per interval. */
  readonly interactive: boolean;
  write(text: string): void;
}

const number = new Intl.NumberFormat('en-US');

/** `cutLegA 45,000/100,000 rows (45%) · 31,200 rows/s` */
export function formatProgress(progress: PhaseProgress, elapsedMs: number): string {
  const percent = progress.total === 0 ? 100 : Math.floor((progress.done / progress.total) * 100);
  const rate = elapsedMs <= 0 ? 0 : Math.round((progress.done / elapsedMs) * 1000);
  return `${progress.phase} ${number.format(progress.done)}/${number.format(progress.total)} rows (${percent}%) · ${number.format(rate)} rows/s`;
}

/**
 * Prints a phase's progress for a person: redrawn in place on a terminal, else one line per `intervalMs` (and always
 * the last), so a log file shows the rate without one line per chunk. The rate is measured from the phase's first report.
 * Phases of fewer than `minRows` rows are over before a person could read a line: they print nothing.
 */
export function createProgressPrinter(
  sink: ProgressSink,
  { now = () => performance.now(), intervalMs = 2_000, minRows = 0 }: { now?: () => number; intervalMs?: number; minRows?: number } = {},
) {
  let phase = '';
  let started = 0;
  let lastPrinted = -Infinity;
  return (progress: PhaseProgress): void => {
    if (progress.total < minRows) return;
    const at = now();
    if (progress.phase !== phase) {
      phase = progress.phase;
      started = at;
      lastPrinted = -Infinity;
    }
    const { finished } = progress;
    const text = `  ${formatProgress(progress, at - started)}`;
    if (sink.interactive) {
      sink.write(`\r\u001b[2K${text}${finished ? '\n' : ''}`);
      return;
    }
    if (finished || at - lastPrinted >= intervalMs) {
      sink.write(`${text}\n`);
      lastPrinted = at;
    }
  };
}

/** The CLI's progress line on stderr (stdout stays the command's own output): phases of 1,000 rows or more. */
export function stderrProgress(stderr: NodeJS.WriteStream = process.stderr): (progress: PhaseProgress) => void {
  return createProgressPrinter({ interactive: stderr.isTTY, write: (text) => { stderr.write(text); } }, { minRows: 1_000 });
}
