/**
 * The streamed path's part of the report (issue 17): the whole LIVE run on the streamed path with its own peak RSS
 * and planning's part, the slope of that peak in N, the classification against its two floors, and their targets.
 */
import { median } from './median.js';
import type { MemoryAtPeak } from './rss.js';
import type { Sample, SizeSamples, StreamedSample } from './worker.js';

/** The limits on the streamed path. */
export const STREAMED_LIMITS = {
  liveRatioAt1M: 2.5,
  peakRssMb: 256,
  /**
   * "Flat in N", made a number here (the issue gives none): at most this many MB more per 100k rows, between 100k and
   * 1M; 2 MB per 100k is 18 MB over the 900k rows between them.
   */
  flatSlopeMbPer100k: 2,
  orchestrationShareAt1k: 0.05,
  classifyOverFloors: 1,
} as const;

/** The peak a streamed run is judged by: its own process's high-water mark, or the sampled peak if it shared one. */
export const streamedPeakMb = (s: StreamedSample): number => (s.ownProcess ? s.processPeakRssMb : s.peakRssMb);

export interface StreamedSummary {
  readonly medianPlanningMs: number;
  /** The highest peak of any repetition (streamedPeakMb), and each repetition's. */
  readonly peakRssMb: number;
  readonly peaksMb: readonly number[];
  readonly ownProcess: boolean;
  /** What the highest repetition's process held at its highest sampled RSS: V8's heap, external memory (null if not kept). */
  readonly atPeak: MemoryAtPeak | null;
  readonly classify: {
    readonly medianMs: number;
    /** Floor (a), the COPY of the N/100 changed rows, and floor (b), the read of the N addresses: medians, and their sum. */
    readonly copyChangedMs: number;
    readonly readAddressesMs: number;
    readonly floorsMs: number;
    /** medianMs / floorsMs: the target is ≤ 1. */
    readonly overFloors: number;
  } | null;
}

export function summariseStreamed(size: SizeSamples): StreamedSummary | null {
  const runs = size.liveStreamed;
  const ms = (samples: readonly Sample[]) => median(samples.map((s) => s.ms));
  const classify = size.classifyStreamed.length === 0 ? null : (() => {
    const copyChangedMs = ms(size.classifyCopyChanged);
    const readAddressesMs = ms(size.classifyReadAddresses);
    const medianMs = ms(size.classifyStreamed);
    return { medianMs, copyChangedMs, readAddressesMs, floorsMs: copyChangedMs + readAddressesMs, overFloors: medianMs / (copyChangedMs + readAddressesMs) };
  })();
  if (runs.length === 0 && classify === null) return null;
  const peaksMb = runs.map(streamedPeakMb);
  const highest = runs.reduce<StreamedSample | undefined>((top, r) => (top === undefined || streamedPeakMb(r) > streamedPeakMb(top) ? r : top), undefined);
  return {
    medianPlanningMs: median(runs.map((r) => r.planningMs)),
    peakRssMb: peaksMb.length === 0 ? Number.NaN : Math.max(...peaksMb), peaksMb: peaksMb.map((p) => Math.round(p * 10) / 10),
    ownProcess: runs.every((r) => r.ownProcess), atPeak: highest?.atPeak ?? null, classify,
  };
}

export interface RssSlope {
  readonly fromN: number;
  readonly toN: number;
  /** (peak at toN − peak at fromN) / ((toN − fromN) / 100k). */
  readonly mbPer100k: number;
}

/** The slope of the streamed run's peak RSS between 100k and 1M, or else between the two largest sizes measured. */
export function rssSlope(sizes: readonly { readonly n: number; readonly streamed: StreamedSummary | null }[]): RssSlope | null {
  const measured = sizes.filter((s) => s.streamed !== null && Number.isFinite(s.streamed.peakRssMb)).sort((a, b) => a.n - b.n);
  const at = (n: number) => measured.find((s) => s.n === n);
  const from = at(100_000) !== undefined && at(1_000_000) !== undefined ? at(100_000) : measured.at(-2);
  const to = at(100_000) !== undefined && at(1_000_000) !== undefined ? at(1_000_000) : measured.at(-1);
  if (from === undefined || to === undefined || from.streamed === null || to.streamed === null) return null;
  return { fromN: from.n, toN: to.n, mbPer100k: (to.streamed.peakRssMb - from.streamed.peakRssMb) / ((to.n - from.n) / 100_000) };
}

const f = (v: number, digits = 0) => (Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–');

/** The printed lines for one size, under its table. */
export function formatStreamed(s: StreamedSummary, liveWallMs: number): string[] {
  const out: string[] = [];
  if (s.peaksMb.length > 0) {
    const where = s.ownProcess ? 'its own process\'s high-water mark (VmHWM), per repetition' : 'sampled in the worker\'s process (not its own), per repetition';
    out.push(`  streamed LIVE: planning (stage, classify, hash, pin) ${f(s.medianPlanningMs, 1)} ms of ${f(liveWallMs, 1)} ms; peak RSS ${f(s.peakRssMb)} MB, ${where}: ${s.peaksMb.map((p) => f(p)).join(' ')}`);
  }
  if (s.atPeak !== null) out.push(`  ${formatAtPeak(s.atPeak)}`);
  const c = s.classify;
  if (c !== null) {
    out.push(`  classification (streamed) ${f(c.medianMs, 1)} ms against (a) COPY of the changed rows ${f(c.copyChangedMs, 1)} ms + (b) read of the addresses ${f(c.readAddressesMs, 1)} ms = ${f(c.floorsMs, 1)} ms: ${f(c.overFloors, 2)}× (a)+(b)`);
  }
  return out;
}

export function formatSlope(slope: RssSlope | null): string {
  if (slope === null) return '  streamed LIVE peak RSS slope: needs two sizes';
  return `  streamed LIVE peak RSS slope, ${f(slope.fromN)} → ${f(slope.toN)} rows: ${f(slope.mbPer100k, 2)} MB per 100k rows`;
}

/** Where the highest sampled RSS was: V8's heap (reserved, of it in use), memory outside it, and the rest (code, stacks, allocator). */
export function formatAtPeak(m: MemoryAtPeak): string {
  const rest = m.rssMb - m.heapTotalMb - m.externalMb;
  return `at the highest sampled RSS, ${f(m.rssMb)} MB: V8 heap ${f(m.heapTotalMb)} MB (${f(m.heapUsedMb)} MB in use), external ${f(m.externalMb)} MB (of it ArrayBuffers ${f(m.arrayBuffersMb)} MB), the rest (code, stacks, native) ${f(rest)} MB`;
}
