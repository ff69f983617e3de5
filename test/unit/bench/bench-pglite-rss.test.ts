/** The bench's PGlite sizes (measured up to 100k, the rest skipped and said so) and the streamed run's memory at its peak. */
import { describe, expect, it } from 'vitest';
import { parseArgs, PGLITE_MAX_ROWS, PGLITE_SKIPPED } from '../../../bench/args.js';
import { formatAtPeak, summariseStreamed } from '../../../bench/report-streamed.js';
import { formatTable, summarise } from '../../../bench/report.js';
import type { MemoryAtPeak } from '../../../bench/rss.js';
import type { SizeSamples, StreamedSample, WorkerResult } from '../../../bench/worker.js';

const memory = (rssMb: number): MemoryAtPeak => ({ rssMb, heapTotalMb: 100, heapUsedMb: 80, externalMb: 5, arrayBuffersMb: 1 });

const run = (peak: number, own: boolean): StreamedSample => ({
  ms: 1000, wallMs: 1000, planningMs: 400, phaseDbMs: 950, storeMs: 30, overheadMs: 50, peakRssMb: peak, processPeakRssMb: own ? peak + 5 : Number.NaN, ownProcess: own, atPeak: memory(peak),
});

function size(n: number, peaks: readonly number[], own: boolean): SizeSamples {
  return {
    n, skipped: null, floor: [{ ms: 500, peakRssMb: 100 }], cut: [], pin: [], cutPinned: [], enact: [], live: [], dryrun: [],
    liveStreamed: peaks.map((p) => run(p, own)), pgDump: [], classify: [], classifyStreamed: [], classifyCopyChanged: [], classifyReadAddresses: [], dbos: [],
  };
}

describe('the bench on PGlite', () => {
  it('runs PGlite at the bench sizes up to 100k and lists the larger ones as skipped', () => {
    const args = parseArgs(['--sizes', '1000,100000,1000000'], {});
    expect(PGLITE_MAX_ROWS).toBe(100_000);
    expect(args.sizes).toEqual([1000, 100_000, 1_000_000]);
    expect(args.pgliteSizes).toEqual([1000, 100_000]);
    expect(args.pgliteSkipped).toEqual([1_000_000]);
  });

  it('takes --pglite-sizes apart from --sizes, still never above 100k', () => {
    const args = parseArgs(['--sizes', '1000,100000,1000000', '--pglite-sizes', '1000,10000,100000,200000'], {});
    expect(args.sizes).toEqual([1000, 100_000, 1_000_000]);
    expect(args.pgliteSizes).toEqual([1000, 10_000, 100_000]);
    expect(args.pgliteSkipped).toEqual([200_000]);
    expect(() => parseArgs(['--pglite-sizes', '0'], {})).toThrow(/--pglite-sizes/);
  });

  it('prints why PGlite has no limits and which sizes it skipped, and takes no slope of its in-process peak', () => {
    const sizes = [size(1000, [600], false), size(100_000, [900], false)];
    const result: WorkerResult = { worker: 'pglite', serverVersion: 'PostgreSQL 18.6 (PGlite 0.5.16)', sizes, processPeakRssMb: 950, seconds: 10, error: null, skippedSizes: [{ n: 1_000_000, why: PGLITE_SKIPPED }] };
    const table = formatTable([result], new Map([['pglite', sizes.map(summarise)]]), []);
    expect(table).toContain('Reported with no targets');
    expect(table).toContain(`-- 1,000,000 IUs: skipped: ${PGLITE_SKIPPED}`);
    expect(table).not.toContain('peak RSS slope');
  });

  it('still takes the slope on PostgreSQL, where the streamed run has a process of its own', () => {
    const sizes = [size(1000, [150], true), size(100_000, [180], true)];
    const result: WorkerResult = { worker: 'postgres', serverVersion: 'PostgreSQL 15', sizes, processPeakRssMb: 300, seconds: 10, error: null };
    expect(formatTable([result], new Map([['postgres', sizes.map(summarise)]]), [])).toContain('peak RSS slope');
  });
});

describe("the streamed run's memory at its peak", () => {
  it('is that of the repetition with the highest peak', () => {
    const s = summariseStreamed(size(100_000, [170, 190, 180], true));
    expect(s?.peakRssMb).toBe(195);
    expect(s?.atPeak?.rssMb).toBe(190);
  });

  it('splits the peak into V8 heap, external memory and the rest', () => {
    expect(formatAtPeak(memory(170))).toBe('at the highest sampled RSS, 170 MB: V8 heap 100 MB (80 MB in use), external 5 MB (of it ArrayBuffers 1 MB), the rest (code, stacks, native) 65 MB');
  });
});
