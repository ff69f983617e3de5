import { describe, expect, it } from 'vitest';
import { benchPlan } from '../../../bench/plan.js';
import { rssSlope, summariseStreamed } from '../../../bench/report-streamed.js';
import { checkTargets, summarise } from '../../../bench/report.js';
import { benchRows, changedBenchRows, standInHash } from '../../../bench/rows.js';
import type { SizeSamples, StreamedSample } from '../../../bench/worker.js';

describe('the bench rows', () => {
  it('the held plan holds exactly the generated rows, 1 KB bodies, distinct addresses', () => {
    const plan = benchPlan(2500);
    const rows = [...benchRows(2500)];
    expect(plan.rows.map((r) => ({ address: r.address, title: r.title, body: r.body }))).toEqual(rows);
    expect(new Set(rows.map((r) => r.address)).size).toBe(2500);
    expect(rows.every((r) => r.body.length === 1024)).toBe(true);
  });

  it('the changed rows are exactly those whose edited body differs, N/100 of them', () => {
    const plain = [...benchRows(1050)];
    const edited = [...benchRows(1050, 100)];
    const differing = edited.filter((r, i) => r.body !== plain[i]?.body);
    expect([...changedBenchRows(1050, 100)]).toEqual(differing);
    expect(differing).toHaveLength(11);
  });

  it('stand-in hashes are well formed and distinct', () => {
    expect(standInHash(0)).toMatch(/^[0-9a-f]{64}$/);
    expect(standInHash(1_000_000)).toMatch(/^[0-9a-f]{64}$/);
    expect(standInHash(7)).not.toBe(standInHash(8));
  });
});

const run = (peak: number, own = true): StreamedSample => ({
  ms: 1000, wallMs: 1000, planningMs: 400, phaseDbMs: 950, storeMs: 30, overheadMs: 50, peakRssMb: peak - 10, processPeakRssMb: own ? peak : Number.NaN, ownProcess: own,
});

function size(n: number, peaks: readonly number[], extra: Partial<SizeSamples> = {}): SizeSamples {
  return {
    n, skipped: null, floor: [{ ms: 500, peakRssMb: 100 }], cut: [], pin: [], cutPinned: [], enact: [], live: [], dryrun: [],
    liveStreamed: peaks.map((p) => run(p)), pgDump: [], classify: [], classifyStreamed: [], classifyCopyChanged: [], classifyReadAddresses: [], dbos: [], ...extra,
  };
}

describe('the streamed report', () => {
  it('judges the streamed run by its own process high-water mark, the highest repetition', () => {
    expect(summariseStreamed(size(1000, [150, 180, 160]))?.peakRssMb).toBe(180);
  });

  it('takes the slope between 100k and 1M when both are measured, per 100k rows', () => {
    const sizes = [1000, 100_000, 1_000_000].map((n, i) => ({ n, streamed: summariseStreamed(size(n, [[120, 200, 218][i] ?? 0])) }));
    expect(rssSlope(sizes)).toEqual({ fromN: 100_000, toN: 1_000_000, mbPer100k: 2 });
  });

  it('else takes it between the two largest sizes', () => {
    const sizes = [1000, 10_000].map((n, i) => ({ n, streamed: summariseStreamed(size(n, [[100, 109][i] ?? 0])) }));
    expect(rssSlope(sizes)?.mbPer100k).toBeCloseTo(100);
  });

  it('compares the streamed classification with the sum of its two floors', () => {
    const s = summariseStreamed(size(1000, [], {
      classifyStreamed: [{ ms: 300, peakRssMb: 1 }], classifyCopyChanged: [{ ms: 100, peakRssMb: 1 }], classifyReadAddresses: [{ ms: 200, peakRssMb: 1 }],
    }));
    expect(s?.classify).toEqual({ medianMs: 300, copyChangedMs: 100, readAddressesMs: 200, floorsMs: 300, overFloors: 1 });
  });

  it('lists the held-plan measurements as skipped where they were', () => {
    const summary = summarise({ ...size(1_000_000, [200]), skipped: 'holds the plan in memory' });
    const skipped = summary.lines.filter((l) => l.skipped !== undefined);
    expect(skipped.map((l) => l.what)).toContain('LIVE run (whole)');
    expect(skipped.every((l) => l.skipped === 'holds the plan in memory')).toBe(true);
    expect(summary.lines.find((l) => l.what === 'LIVE run, streamed (whole)')?.ratioToFloor).toBe(2);
  });

  it('judges the streamed targets at 100k and 1M, the slope only between them', () => {
    const classified = { classifyStreamed: [{ ms: 900, peakRssMb: 1 }], classifyCopyChanged: [{ ms: 400, peakRssMb: 1 }], classifyReadAddresses: [{ ms: 600, peakRssMb: 1 }] };
    const big = [summarise(size(100_000, [230])), summarise({ ...size(1_000_000, [255], classified), skipped: 'holds the plan in memory' })];
    const verdicts = Object.fromEntries(checkTargets(big, null).map((c) => [c.target, c.met]));
    expect(verdicts).toMatchObject({
      'whole LIVE run, streamed, at 1M': true, 'peak RSS, streamed LIVE, at 100k': true, 'peak RSS, streamed LIVE, at 1M': true,
      'peak RSS slope 100k → 1M (streamed)': false, 'classify at 1M held, 1% edited (streamed)': true,
    });
    const small = checkTargets([summarise(size(1000, [150])), summarise(size(100_000, [240]))], null);
    expect(small.find((c) => c.target === 'peak RSS slope 100k → 1M (streamed)')).toMatchObject({ met: null, measured: expect.stringContaining('1k → 100k') as unknown });
  });
});
