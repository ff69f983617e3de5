/**
 * Runs the streamed LIVE run where its peak RSS is its own: on PostgreSQL in a child process forked per size and
 * repetition, from the compiled streamed-child.ts (child-build.ts: plain Node, no tsx loader, as the library ships);
 * on PGlite (one process owns the database) in this process, where its peak is sampled around it and is not its own.
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { STREAMED_CHILD_JS } from './child-build.js';
import { withPeakRss, type MemoryAtPeak } from './rss.js';
import type { ScratchTarget } from './scratch.js';
import type { StreamedChildMessage } from './streamed-child.js';
import { streamedLiveRun, type StreamedTiming } from './streamed-live.js';

export interface StreamedSample extends StreamedTiming {
  readonly ms: number;
  /** The highest RSS sampled every 10 ms during the measured run. */
  readonly peakRssMb: number;
  /** Its process's high-water mark (VmHWM: start-up, warm-up and run), or NaN when the run shared the worker's process. */
  readonly processPeakRssMb: number;
  readonly ownProcess: boolean;
  /** process.memoryUsage() at the measured run's highest sampled RSS (absent in results recorded before it was kept). */
  readonly atPeak?: MemoryAtPeak;
}

function inChild(dsn: string, n: number, runId: string): Promise<StreamedSample> {
  return new Promise((resolve, reject) => {
    if (!existsSync(STREAMED_CHILD_JS)) {
      reject(new Error(`${STREAMED_CHILD_JS} is missing: the bench compiles it first (npm run bench; or npx tsc -p tsconfig.bench.json)`));
      return;
    }
    // Only --expose-gc: none of this process's loader flags (tsx), so the child's memory is the compiled code's.
    const child = fork(STREAMED_CHILD_JS, [dsn, String(n), runId], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let message: StreamedChildMessage | null = null;
    child.on('message', (m) => { message = m as StreamedChildMessage; });
    child.on('error', reject);
    child.on('exit', (code) => {
      const got: StreamedChildMessage | null = message;
      if (got === null) reject(new Error(`the streamed LIVE run's process exited with code ${code ?? 'null'} and sent no figures`));
      else if (!got.ok) reject(new Error(`streamed LIVE run, n=${n}: ${got.error}`));
      else resolve({ ...got.timing, ms: got.timing.wallMs, peakRssMb: got.peakRssMb, processPeakRssMb: got.processPeakRssMb, ownProcess: true, atPeak: got.atPeak });
    });
  });
}

/** One streamed LIVE run of N rows on `target`, from a fresh schema; the target then holds the N rows enacted. */
export async function measureStreamedLive(target: ScratchTarget, n: number, runId: string): Promise<StreamedSample> {
  if (target.dsn !== null) return inChild(target.dsn, n, runId);
  await target.fresh();
  (globalThis as { gc?: () => void }).gc?.();
  const { value, peakRssMb, atPeak } = await withPeakRss(() => streamedLiveRun(target, n, runId));
  return { ...value, ms: value.wallMs, peakRssMb, processPeakRssMb: Number.NaN, ownProcess: false, atPeak };
}
