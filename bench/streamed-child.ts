/**
 * The streamed LIVE run's own process (forked by streamed-process.ts, one per size and repetition), so its peak RSS
 * is its own and not the plans its parent held: attaches to the parent's scratch database, runs untimed warm-ups
 * (500 rows: connections opened, code compiled), makes the schema fresh, runs the measured run, and sends its figures
 * to the parent. Two warm-up runs, as a fresh process's first run is still far from its steady state. It runs
 * compiled, without tsx (child-build.ts), so its memory is the library's and the run's, with the CLI's heap-growth cap.
 * Usage (internal): node --expose-gc .bench-build/bench/streamed-child.js <dsn> <rows> <run id>.
 */
import { preferFlatMemory } from '../src/cli/flat-memory.js';
import { processPeakRssMb, withPeakRss, type MemoryAtPeak } from './rss.js';
import { attachScratch } from './scratch.js';
import { streamedLiveRun, type StreamedTiming } from './streamed-live.js';

/** What the child sends its parent: the run's figures, or why there are none. */
export type StreamedChildMessage =
  | { readonly ok: true; readonly timing: StreamedTiming; readonly peakRssMb: number; readonly processPeakRssMb: number; readonly atPeak: MemoryAtPeak }
  | { readonly ok: false; readonly error: string };

async function main(): Promise<StreamedChildMessage> {
  // The heap-growth cap `cutter`'s own process sets (src/cli/flat-memory.ts): this process stands for `cutter run`'s.
  preferFlatMemory();
  const [dsn, rowsText, runId] = process.argv.slice(2);
  const n = Number(rowsText);
  if (dsn === undefined || runId === undefined || !Number.isInteger(n) || n <= 0) throw new Error('usage: streamed-child.ts <dsn> <rows> <run id>');
  const target = attachScratch(dsn);
  try {
    await target.fresh();
    for (const warmUp of [1, 2]) {
      await streamedLiveRun(target, 500, `${runId}-warm-up-${warmUp}`);
      await target.fresh();
    }
    (globalThis as { gc?: () => void }).gc?.();
    const { value: timing, peakRssMb, atPeak } = await withPeakRss(() => streamedLiveRun(target, n, runId));
    // The process's high-water mark: the warm-up, start-up and the measured run, whichever was highest.
    return { ok: true, timing, peakRssMb, processPeakRssMb: processPeakRssMb(), atPeak };
  } finally {
    await target.close();
  }
}

const send = (message: StreamedChildMessage): Promise<void> => new Promise((resolve) => {
  if (process.send === undefined) {
    process.stdout.write(`${JSON.stringify(message)}\n`);
    resolve();
    return;
  }
  process.send(message, () => { resolve(); });
});

main()
  .catch((caught: unknown): StreamedChildMessage => ({ ok: false, error: caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught) }))
  .then(send)
  .then(() => { process.disconnect?.(); }, () => { process.exitCode = 1; });
