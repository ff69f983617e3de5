/** Medians, ratios to the floor, the targets, the printed table, and the results file. */
import type { RunSample, Sample, SizeSamples, WorkerResult } from './worker.js';

export const median = (values: readonly number[]): number => {
  const sorted = [...values].filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

export interface Line {
  readonly what: string;
  readonly medianMs: number;
  readonly rowsPerSec: number;
  /** Median time over the floor's median time, same target, same size, same bench run. */
  readonly ratioToFloor: number;
  readonly peakRssMb: number;
  readonly samplesMs: readonly number[];
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

export interface SizeSummary { readonly n: number; readonly lines: Line[]; readonly live: Overhead | null; readonly dryrun: Overhead | null; readonly dbos: Overhead | null }

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

export function summarise(size: SizeSamples): SizeSummary {
  const floorMs = median(size.floor.map((s) => s.ms));
  const lines = [
    line('COPY floor', size.floor, size.n, floorMs),
    line('cutLegA', size.cut, size.n, floorMs),
    line('planning: pin the plan', size.pin, size.n, floorMs),
    line('cutLegA from the pin', size.cutPinned, size.n, floorMs),
    line('lifecycleEnact', size.enact, size.n, floorMs),
    line('LIVE run (whole)', size.live, size.n, floorMs),
    line('DRYRUN run (whole)', size.dryrun, size.n, floorMs),
    line('pg_dump runner (N rows)', size.pgDump, size.n, floorMs),
    line('planning: classify against N held, 1% edited', size.classify ?? [], size.n, floorMs),
    line('DBOS peer (whole)', size.dbos, size.n, floorMs),
  ].filter((l): l is Line => l !== null);
  return { n: size.n, lines, live: overhead(size.live), dryrun: overhead(size.dryrun), dbos: overhead(size.dbos) };
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
    check('statechart + run store at 1k', '≤ 5% of LIVE wall, every rep', at(1000)?.live?.maxShare, 0.05, (v) => `max ${pct(v)} (median ${pct(at(1000)?.live?.medianShare ?? Number.NaN)})`),
    check('statechart + run store at 100k', '≤ 1% of LIVE wall', big?.live?.medianShare, 0.01, pct),
  ];
}

const pad = (s: string, w: number, right = false) => (right ? s.padStart(w) : s.padEnd(w));
const num = (v: number, digits = 0) => (Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–');

/** The readable table: one block per target and size. */
export function formatTable(results: readonly WorkerResult[], summaries: ReadonlyMap<string, SizeSummary[]>, checks: readonly TargetCheck[]): string {
  const out: string[] = [];
  for (const result of results) {
    out.push('', `== ${result.worker} (${result.serverVersion.split(' on ')[0] ?? ''}) — ${result.seconds.toFixed(0)} s, process peak RSS ${result.processPeakRssMb.toFixed(0)} MB${result.error === null ? '' : ` — FAILED: ${result.error}`}`);
    for (const s of summaries.get(result.worker) ?? []) {
      out.push(`-- ${num(s.n)} IUs, 1 KB bodies (median of ${s.lines[0]?.samplesMs.length ?? 0})`);
      out.push(`${pad('what', 26)}${pad('median ms', 12, true)}${pad('rows/s', 11, true)}${pad('× floor', 9, true)}${pad('peak RSS MB', 13, true)}`);
      for (const l of s.lines) out.push(`${pad(l.what, 26)}${pad(num(l.medianMs, 1), 12, true)}${pad(num(l.rowsPerSec), 11, true)}${pad(num(l.ratioToFloor, 2), 9, true)}${pad(num(l.peakRssMb), 13, true)}`);
      for (const [name, o] of [['LIVE', s.live], ['DRYRUN', s.dryrun], ['DBOS', s.dbos]] as const) {
        if (o === null) continue;
        const store = Number.isNaN(o.medianStoreMs) ? '' : ` (run store ${num(o.medianStoreMs, 1)} ms)`;
        out.push(`  ${name}: wall ${num(o.medianWallMs, 1)} ms = phases' database time ${num(o.medianPhaseDbMs, 1)} ms + orchestration ${num(o.medianOverheadMs, 1)} ms${store} = ${num(o.medianShare * 100, 2)}% of wall; per repetition ${o.shares.map((v) => `${num(v * 100, 2)}%`).join(' ')}, max ${num(o.maxShare * 100, 2)}%`);
      }
    }
  }
  out.push('', '== targets (PostgreSQL)');
  for (const c of checks) out.push(`${pad(c.met === null ? 'n/a' : c.met ? 'MET' : 'NOT MET', 9)}${pad(c.target, 34)}${pad(c.limit, 30)}${c.measured}`);
  return out.join('\n');
}
