/** Medians, ratios to the floor, the targets, the printed table, and the results file. */
import { median } from './median.js';
import { formatSlope, formatStreamed, rssSlope, STREAMED_LIMITS, streamedPeakMb, summariseStreamed, type RssSlope, type StreamedSummary } from './report-streamed.js';
import { STREAMED_API } from './streamed-api.js';
import type { RunSample, Sample, SizeSamples, WorkerResult } from './worker.js';

export { median } from './median.js';

export interface Line {
  readonly what: string;
  readonly medianMs: number;
  readonly rowsPerSec: number;
  /** Median time over the floor's median time, same target, same size, same bench run. */
  readonly ratioToFloor: number;
  readonly peakRssMb: number;
  readonly samplesMs: readonly number[];
  /** Why the measurement was not taken at this size (its figures are then NaN: null in the JSON). */
  readonly skipped?: string;
}

export interface Overhead {
  readonly medianWallMs: number;
  readonly medianPhaseDbMs: number;
  readonly medianOverheadMs: number;
  /** Median over repetitions of overhead / wall. */
  readonly medianShare: number;
  /** The highest overhead / wall of any repetition (the 1k target holds in every one), and each repetition's. */
  readonly maxShare: number;
  readonly shares: readonly number[];
  readonly medianStoreMs: number;
}

export interface SizeSummary {
  readonly n: number;
  readonly lines: Line[];
  readonly live: Overhead | null;
  readonly dryrun: Overhead | null;
  readonly dbos: Overhead | null;
  /** The LIVE run on the streamed path: where its time went, its planning, peak RSS and the classification's floors. */
  readonly liveStreamed: Overhead | null;
  readonly streamed: StreamedSummary | null;
  /** Why the measurements of a plan held in memory were skipped at this size, if they were. */
  readonly skipped: string | null;
}

function line(what: string, samples: readonly Sample[], n: number, floorMs: number): Line | null {
  if (samples.length === 0) return null;
  const medianMs = median(samples.map((s) => s.ms));
  return {
    what, medianMs, rowsPerSec: n / (medianMs / 1000), ratioToFloor: medianMs / floorMs,
    peakRssMb: Math.max(...samples.map((s) => s.peakRssMb)), samplesMs: samples.map((s) => Math.round(s.ms * 10) / 10),
  };
}

function overhead(samples: readonly RunSample[]): Overhead | null {
  if (samples.length === 0) return null;
  return {
    medianWallMs: median(samples.map((s) => s.wallMs)),
    medianPhaseDbMs: median(samples.map((s) => s.phaseDbMs)),
    medianOverheadMs: median(samples.map((s) => s.overheadMs)),
    medianShare: median(samples.map((s) => s.overheadMs / s.wallMs)),
    maxShare: Math.max(...samples.map((s) => s.overheadMs / s.wallMs)),
    shares: samples.map((s) => Math.round((10_000 * s.overheadMs) / s.wallMs) / 10_000),
    medianStoreMs: median(samples.map((s) => s.storeMs)),
  };
}

const STREAMED_LIVE = 'LIVE run, streamed (whole)';
const HELD_MEASURES = ['cutLegA', 'planning: pin the plan', 'cutLegA from the pin', 'lifecycleEnact', 'LIVE run (whole)', 'DRYRUN run (whole)', 'planning: classify held plan, 1% edited'];

export function summarise(size: SizeSamples): SizeSummary {
  const floorMs = median(size.floor.map((s) => s.ms));
  const streamedRuns = size.liveStreamed ?? [];
  const lines = [
    line('COPY floor', size.floor, size.n, floorMs),
    line('cutLegA', size.cut, size.n, floorMs),
    line('planning: pin the plan', size.pin, size.n, floorMs),
    line('cutLegA from the pin', size.cutPinned, size.n, floorMs),
    line('lifecycleEnact', size.enact, size.n, floorMs),
    line('LIVE run (whole)', size.live, size.n, floorMs),
    line('DRYRUN run (whole)', size.dryrun, size.n, floorMs),
    // The streamed run's RSS column is its own process's high-water mark where it had one.
    line(STREAMED_LIVE, streamedRuns.map((r) => ({ ms: r.ms, peakRssMb: streamedPeakMb(r) })), size.n, floorMs),
    line('  of which planning (pinSourceRows)', streamedRuns.map((r) => ({ ms: r.planningMs, peakRssMb: streamedPeakMb(r) })), size.n, floorMs),
    line('pg_dump runner (N rows)', size.pgDump, size.n, floorMs),
    line('planning: classify held plan, 1% edited', size.classify ?? [], size.n, floorMs),
    line('planning: classify streamed, 1% edited', size.classifyStreamed ?? [], size.n, floorMs),
    line('  floor (a): COPY of the N/100 changed', size.classifyCopyChanged ?? [], size.n, floorMs),
    line('  floor (b): read of the N addresses', size.classifyReadAddresses ?? [], size.n, floorMs),
    line('DBOS peer (whole)', size.dbos, size.n, floorMs),
  ].filter((l): l is Line => l !== null);
  const skipped = size.skipped ?? null;
  if (skipped !== null) {
    for (const what of HELD_MEASURES) lines.push({ what, medianMs: Number.NaN, rowsPerSec: Number.NaN, ratioToFloor: Number.NaN, peakRssMb: Number.NaN, samplesMs: [], skipped });
  }
  return {
    n: size.n, lines, live: overhead(size.live), dryrun: overhead(size.dryrun), dbos: overhead(size.dbos),
    liveStreamed: overhead(streamedRuns), streamed: summariseStreamed(size), skipped,
  };
}

export interface TargetCheck { readonly target: string; readonly limit: string; readonly measured: string; readonly met: boolean | null }

/** The issue's targets, judged on the PostgreSQL figures of this run (null: not measured in this run). */
export function checkTargets(postgres: readonly SizeSummary[], processPeakRssMb: number | null): TargetCheck[] {
  const at = (n: number) => postgres.find((s) => s.n === n);
  const ratio = (n: number, what: string) => at(n)?.lines.find((l) => l.what === what)?.ratioToFloor;
  const check = (target: string, limit: string, value: number | undefined, max: number, fmt: (v: number) => string): TargetCheck =>
    value === undefined || Number.isNaN(value) ? { target, limit, measured: 'not measured', met: null } : { target, limit, measured: fmt(value), met: value <= max };
  const x = (v: number) => `${v.toFixed(2)}×`;
  const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
  const big = at(100_000);
  // Cutter's own measurements; the floor's and pg_dump's peaks are in the table beside them.
  const cutters = ['cutLegA', 'planning: pin the plan', 'cutLegA from the pin', 'lifecycleEnact', 'LIVE run (whole)', 'DRYRUN run (whole)'];
  const rss = big === undefined ? undefined : Math.max(...big.lines.filter((l) => cutters.includes(l.what)).map((l) => l.peakRssMb));
  return [
    check('cutLegA at 100k (PostgreSQL)', '≤ 1.5× COPY', ratio(100_000, 'cutLegA'), 1.5, x),
    check('cutLegA from the pin at 100k', '≤ 1.5× COPY', ratio(100_000, 'cutLegA from the pin'), 1.5, x),
    check('lifecycleEnact at 100k', '≤ 1.75× COPY', ratio(100_000, 'lifecycleEnact'), 1.75, x),
    check('whole LIVE run at 100k', '≤ 3.5× COPY', ratio(100_000, 'LIVE run (whole)'), 3.5, x),
    check('peak RSS at 100k (Cutter)', '≤ 400 MB', rss, 400, (v) => `${v.toFixed(0)} MB (worker's high-water mark, floor included: ${processPeakRssMb?.toFixed(0) ?? '?'} MB)`),
    check('statechart + run store at 1k (held)', '≤ 5% of LIVE wall, every rep', at(1000)?.live?.maxShare, 0.05, (v) => `max ${pct(v)} (median ${pct(at(1000)?.live?.medianShare ?? Number.NaN)})`),
    check('statechart + run store at 100k', '≤ 1% of LIVE wall', big?.live?.medianShare, 0.01, pct),
    ...streamedChecks(postgres, check),
  ];
}

/** "Flat in N" is judged between 100k and 1M only; a slope between other sizes is shown, not judged. */
function slopeCheck(slope: RssSlope | null, check: (target: string, limit: string, value: number | undefined, max: number, fmt: (v: number) => string) => TargetCheck): TargetCheck {
  const limit = `≤ ${STREAMED_LIMITS.flatSlopeMbPer100k} MB per 100k rows (flat)`;
  const shown = (v: number) => `${v.toFixed(2)} MB per 100k rows`;
  if (slope !== null && (slope.fromN !== 100_000 || slope.toN !== 1_000_000)) {
    return { target: 'peak RSS slope 100k → 1M (streamed)', limit, measured: `not measured (${slope.fromN / 1000}k → ${slope.toN / 1000}k: ${shown(slope.mbPer100k)})`, met: null };
  }
  return check('peak RSS slope 100k → 1M (streamed)', limit, slope?.mbPer100k, STREAMED_LIMITS.flatSlopeMbPer100k, shown);
}

/** The streamed path's targets (issue 17), on the streamed LIVE run, its own peak RSS and the streamed classification. */
function streamedChecks(postgres: readonly SizeSummary[], check: (target: string, limit: string, value: number | undefined, max: number, fmt: (v: number) => string) => TargetCheck): TargetCheck[] {
  const at = (n: number) => postgres.find((s) => s.n === n);
  const L = STREAMED_LIMITS;
  const x = (v: number) => `${v.toFixed(2)}×`;
  const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
  const mb = (v: number) => `${v.toFixed(0)} MB`;
  const slope = rssSlope(postgres);
  const classifyAt = (n: number) => at(n)?.streamed?.classify;
  const classified = (v: number) => {
    const c = classifyAt(1_000_000);
    return c === undefined || c === null ? x(v) : `${x(v)} (${c.medianMs.toFixed(0)} ms against ${c.copyChangedMs.toFixed(0)} + ${c.readAddressesMs.toFixed(0)} ms)`;
  };
  const streamedRatio = at(1_000_000)?.lines.find((l) => l.what === STREAMED_LIVE)?.ratioToFloor;
  return [
    check('whole LIVE run, streamed, at 1M', `≤ ${L.liveRatioAt1M}× COPY`, streamedRatio, L.liveRatioAt1M, x),
    check('peak RSS, streamed LIVE, at 100k', `≤ ${L.peakRssMb} MB`, at(100_000)?.streamed?.peakRssMb, L.peakRssMb, mb),
    check('peak RSS, streamed LIVE, at 1M', `≤ ${L.peakRssMb} MB`, at(1_000_000)?.streamed?.peakRssMb, L.peakRssMb, mb),
    slopeCheck(slope, check),
    check('statechart + run store at 1k (streamed)', `≤ ${pct(L.orchestrationShareAt1k)} of LIVE wall, every rep`, at(1000)?.liveStreamed?.maxShare, L.orchestrationShareAt1k,
      (v) => `max ${pct(v)} (median ${pct(at(1000)?.liveStreamed?.medianShare ?? Number.NaN)})`),
    check('classify at 1M held, 1% edited (streamed)', '≤ 1× (a) COPY changed + (b) read', classifyAt(1_000_000)?.overFloors, L.classifyOverFloors, classified),
  ];
}

/** Printed under PGlite's heading: what its figures are, and are not, judged by. */
export const PGLITE_NOTE = [
  '   Reported with no targets (issue 17). Sizes up to 100,000 rows. Times are against PGlite\'s own COPY. PGlite runs in',
  '   the worker\'s process (about 0.5 GB when it opens, never given back), so every peak RSS here, the streamed LIVE',
  '   run\'s included, is mostly PGlite\'s and no slope in N is taken; on PGlite a phase\'s time includes waiting for',
  '   its one connection.',
].join('\n');

const pad = (s: string, w: number, right = false) => (right ? s.padStart(w) : s.padEnd(w));
const num = (v: number, digits = 0) => (Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–');

/** The readable table: one block per target and size. */
export function formatTable(results: readonly WorkerResult[], summaries: ReadonlyMap<string, SizeSummary[]>, checks: readonly TargetCheck[]): string {
  const out: string[] = [];
  for (const result of results) {
    out.push('', `== ${result.worker} (${result.serverVersion.split(' on ')[0] ?? ''}) — ${result.seconds.toFixed(0)} s, process peak RSS ${result.processPeakRssMb.toFixed(0)} MB${result.error === null ? '' : ` — FAILED: ${result.error}`}`);
    if (result.worker === 'pglite') out.push(PGLITE_NOTE);
    for (const skipped of result.skippedSizes ?? []) out.push(`-- ${num(skipped.n)} IUs: skipped: ${skipped.why}`);
    for (const s of summaries.get(result.worker) ?? []) {
      out.push(`-- ${num(s.n)} IUs, 1 KB bodies (median of ${s.lines[0]?.samplesMs.length ?? 0})`);
      out.push(`${pad('what', 42)}${pad('median ms', 12, true)}${pad('rows/s', 11, true)}${pad('× floor', 9, true)}${pad('peak RSS MB', 13, true)}`);
      for (const l of s.lines) {
        if (l.skipped !== undefined) out.push(`${pad(l.what, 42)}  skipped: ${l.skipped}`);
        else out.push(`${pad(l.what, 42)}${pad(num(l.medianMs, 1), 12, true)}${pad(num(l.rowsPerSec), 11, true)}${pad(num(l.ratioToFloor, 2), 9, true)}${pad(num(l.peakRssMb), 13, true)}`);
      }
      for (const [name, o] of [['LIVE', s.live], ['LIVE streamed', s.liveStreamed], ['DRYRUN', s.dryrun], ['DBOS', s.dbos]] as const) {
        if (o === null) continue;
        const store = Number.isNaN(o.medianStoreMs) ? '' : ` (run store ${num(o.medianStoreMs, 1)} ms)`;
        out.push(`  ${name}: wall ${num(o.medianWallMs, 1)} ms = phases' database time ${num(o.medianPhaseDbMs, 1)} ms + orchestration ${num(o.medianOverheadMs, 1)} ms${store} = ${num(o.medianShare * 100, 2)}% of wall; per repetition ${o.shares.map((v) => `${num(v * 100, 2)}%`).join(' ')}, max ${num(o.maxShare * 100, 2)}%`);
      }
      if (s.streamed !== null) out.push(...formatStreamed(s.streamed, s.liveStreamed?.medianWallMs ?? Number.NaN));
    }
    const sized = summaries.get(result.worker) ?? [];
    // A slope of the worker's own peak (PGlite, in-process) would be PGlite's memory, not the streamed run's.
    if (sized.some((s) => s.streamed?.ownProcess === true)) out.push(formatSlope(rssSlope(sized)));
  }
  out.push('', `streamed LIVE path: ${STREAMED_API}`);
  out.push('', '== targets (PostgreSQL)');
  for (const c of checks) out.push(`${pad(c.met === null ? 'n/a' : c.met ? 'MET' : 'NOT MET', 9)}${pad(c.target, 44)}${pad(c.limit, 36)}${c.measured}`);
  return out.join('\n');
}
