/**
 * The breakdown's figures, summarised: the median of the repetitions per step and variant, what triggers and secondary
 * indexes cost (as-is − no triggers; no triggers − no secondary indexes either), the LIVE run's phases summed, and
 * the per-IU figures docs/performance.md derives capacity from. Pure: the bench measures, this only adds up.
 */
import { LIVE_STEPS, NARROW_VARIANTS, Step, Variant, type StepFigures } from './breakdown-phases.js';

type Metric = 'wallMs' | 'cpuMs' | 'cpuSchedMs' | 'cpuWaitMs' | 'clientCpuMs' | 'walOwnBytes' | 'walOwnRecords' | 'walOwnFpiBytes' | 'walNoFpiBytes'
  | 'walServerBytes' | 'queryBytes' | 'copyBytes' | 'writeSyscallBytes' | 'readSyscallBytes';
const METRICS: readonly Metric[] = ['wallMs', 'cpuMs', 'cpuSchedMs', 'cpuWaitMs', 'clientCpuMs', 'walOwnBytes', 'walOwnRecords', 'walOwnFpiBytes', 'walNoFpiBytes',
  'walServerBytes', 'queryBytes', 'copyBytes', 'writeSyscallBytes', 'readSyscallBytes'];

/**
 * A sample's value of a metric. `walNoFpiBytes` is the WAL without full-page images: those come only when a checkpoint
 * fell inside the step (max_wal_size is reached every few hundred MB here), so they vary from repetition to repetition.
 */
function valueOf(sample: StepFigures, metric: Metric): number {
  if (metric === 'walNoFpiBytes') return sample.walOwnBytes - sample.walOwnFpiBytes;
  return sample[metric] ?? Number.NaN;
}

export type Figures = Readonly<Record<Metric, number>>;

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Each metric's median over the repetitions of one step in one variant; undefined if that pair was not measured. */
export function medianOf(samples: readonly StepFigures[], step: Step, variant: Variant): Figures | undefined {
  const mine = samples.filter((s) => s.step === step && s.variant === variant);
  if (mine.length === 0) return undefined;
  return Object.fromEntries(METRICS.map((m) => [m, median(mine.map((s) => valueOf(s, m)))])) as Figures;
}

const minus = (a: Figures, b: Figures): Figures => Object.fromEntries(METRICS.map((m) => [m, a[m] - b[m]])) as Figures;
const sum = (all: readonly Figures[]): Figures => Object.fromEntries(METRICS.map((m) => [m, all.reduce((t, f) => t + f[m], 0)])) as Figures;

export interface StepSummary {
  readonly step: Step;
  readonly asIs: Figures;
  /** as-is − no triggers: what the IU table's triggers cost in this step (null if only as-is was measured). */
  readonly triggers: Figures | null;
  /** no triggers − no secondary indexes either: what maintaining them cost. */
  readonly indexes: Figures | null;
}

export interface BreakdownSummary {
  readonly n: number;
  readonly steps: readonly StepSummary[];
  /** The LIVE run's phases (pin to enact) summed, as-is. */
  readonly live: Figures;
  /**
   * The narrow layout's prototype (bench/narrow-layout.ts), if any of its variants was measured: as-is first, then
   * each narrow variant, its steps' medians and its LIVE phases summed.
   */
  readonly layouts: {
    readonly variants: readonly { readonly variant: Variant; readonly steps: readonly { readonly step: Step; readonly figures: Figures }[]; readonly live: Figures }[];
    /** The COPY floor they are compared with: the median of every floor measured in their passes (the same work). */
    readonly floorMs: number;
  } | null;
  readonly perIU: {
    /** Without full-page images (see {@link valueOf}); `walBytes` is the median with them. */
    readonly walBytes: number;
    readonly walNoFpiBytes: number;
    readonly walRecords: number;
    readonly cpuMicros: number;
    readonly sentBytes: number;
    readonly wallMicros: number;
    /** IUs per second one core of the server carries through a LIVE run's phases: N / backend CPU seconds. */
    readonly rowsPerCoreSecond: number;
  };
}

export function summarize(samples: readonly StepFigures[], n: number): BreakdownSummary {
  const steps: StepSummary[] = [];
  for (const step of [...new Set(samples.map((s) => s.step))]) {
    const asIs = medianOf(samples, step, Variant.AsIs);
    if (asIs === undefined) continue;
    const noTriggers = medianOf(samples, step, Variant.NoTriggers);
    const bare = medianOf(samples, step, Variant.Bare);
    steps.push({
      step, asIs,
      triggers: noTriggers === undefined ? null : minus(asIs, noTriggers),
      indexes: noTriggers === undefined || bare === undefined ? null : minus(noTriggers, bare),
    });
  }
  const live = sum(steps.filter((s) => LIVE_STEPS.includes(s.step)).map((s) => s.asIs));
  const compared = [Variant.AsIs, ...NARROW_VARIANTS].filter((v) => samples.some((s) => s.variant === v));
  const layouts = compared.length < 2 ? null : {
    variants: compared.map((variant) => {
      const mine = steps.flatMap(({ step }) => {
        const figures = medianOf(samples, step, variant);
        return figures === undefined ? [] : [{ step, figures }];
      });
      return { variant, steps: mine, live: sum(mine.filter((s) => LIVE_STEPS.includes(s.step)).map((s) => s.figures)) };
    }),
    floorMs: median(samples.filter((s) => s.step === Step.Floor && compared.includes(s.variant)).map((s) => s.wallMs)),
  };
  return {
    n, steps, live, layouts,
    perIU: {
      walBytes: live.walOwnBytes / n,
      walNoFpiBytes: live.walNoFpiBytes / n,
      walRecords: live.walOwnRecords / n,
      cpuMicros: (live.cpuMs * 1000) / n,
      sentBytes: (live.queryBytes + live.copyBytes) / n,
      wallMicros: (live.wallMs * 1000) / n,
      rowsPerCoreSecond: n / (live.cpuMs / 1000),
    },
  };
}

const MB = 1024 * 1024;
const ms = (v: number) => v.toFixed(0);
const mb = (v: number) => (v / MB).toFixed(1);
const pad = (cells: readonly string[], widths: readonly number[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');

/** A plain-text table: one line per step, then the LIVE run's phases summed and the per-IU figures. */
export function formatSummary(summary: BreakdownSummary): string {
  const head = ['step', 'wall ms', 'cpu ms', 'sched ms', 'runq ms', 'client ms', 'WAL MB', '+FPI MB', 'records', 'srv WAL', 'sent MB', 'read MB',
    'trg cpu', 'trg WAL', 'trg recs', 'idx cpu', 'idx WAL', 'idx recs'];
  const widths = [30, ...head.slice(1).map((h) => Math.max(h.length, 7))];
  const opt = (v: number, f: (x: number) => string) => (Number.isNaN(v) ? '-' : f(v));
  const diff = (d: Figures | null) => (d === null ? ['-', '-', '-'] : [ms(d.cpuMs), mb(d.walNoFpiBytes), String(d.walOwnRecords)]);
  const row = (label: string, f: Figures, s?: StepSummary) => pad([
    label, ms(f.wallMs), ms(f.cpuMs), opt(f.cpuSchedMs, ms), opt(f.cpuWaitMs, ms), ms(f.clientCpuMs), mb(f.walNoFpiBytes), mb(f.walOwnFpiBytes),
    String(f.walOwnRecords), mb(f.walServerBytes), mb(f.queryBytes + f.copyBytes), mb(f.readSyscallBytes),
    ...diff(s?.triggers ?? null), ...diff(s?.indexes ?? null),
  ], widths);
  const p = summary.perIU;
  return [
    `N = ${summary.n.toLocaleString('en-US')} IUs; medians. cpu = backend utime+stime; sched = the same by schedstat; runq = backend waited for a core;`,
    'client = this process\'s CPU; WAL = the step\'s own records without full-page images, +FPI = those; srv WAL = the server\'s insert position moved;',
    'trg = as-is − IU triggers disabled; idx = triggers disabled − by-change-set and one-enacted indexes dropped too (see docs/performance.md)',
    pad(head, widths),
    ...summary.steps.map((s) => row(s.step, s.asIs, s)),
    row('LIVE phases (pin..enact)', summary.live),
    `per IU over the LIVE phases: WAL ${p.walNoFpiBytes.toFixed(0)} B without FPI (${p.walBytes.toFixed(0)} B with) in ${p.walRecords.toFixed(2)} records; ` +
      `backend CPU ${p.cpuMicros.toFixed(1)} µs; sent ${p.sentBytes.toFixed(0)} B; wall ${p.wallMicros.toFixed(1)} µs; ${p.rowsPerCoreSecond.toFixed(0)} IUs per server-core-second`,
    ...layoutLines(summary),
  ].join('\n');
}

/**
 * Each layout's steps side by side (as-is, then the narrow variants measured), as multiples of one COPY floor; then
 * the whole run without orchestration (planning + LIVE phases). Planning is measured in the as-is pass only: against
 * the breakdown's empty target it reads no IU, so the layout does not touch it.
 */
function layoutLines(summary: BreakdownSummary): string[] {
  if (summary.layouts === null) return [];
  const { floorMs, variants } = summary.layouts;
  const x = (v: number) => `${(v / floorMs).toFixed(2)}x`;
  const cells = (f: Figures | undefined) => (f === undefined ? ['-', '-', '-'] : [ms(f.wallMs), x(f.wallMs), mb(f.walNoFpiBytes)]);
  const widths = [30, ...variants.flatMap(() => [9, 7, 7])];
  const planning = summary.steps.find((s) => s.step === Step.Staging)?.asIs.wallMs ?? NaN;
  const whole = (live: Figures): Figures => ({ ...live, wallMs: live.wallMs + planning });
  // The streamed run's planning writes the pin as it plans, so its whole run lies between the two sums: with the pin
  // counted again (above; planning here writes a temporary table), and without it (below; the pin is WAL-logged).
  const withoutPin = (v: (typeof variants)[number]): Figures => {
    const pin = v.steps.find((s) => s.step === Step.Pin)?.figures;
    return { ...v.live, wallMs: v.live.wallMs + planning - (pin?.wallMs ?? 0), walNoFpiBytes: v.live.walNoFpiBytes - (pin?.walNoFpiBytes ?? 0) };
  };
  return [
    '',
    `layouts (narrow: bench/narrow-layout.ts, no title or body in the IU row) against the COPY floor of their passes, ${ms(floorMs)} ms`,
    pad(['', ...variants.flatMap((v) => [v.variant, '', ''])], widths),
    pad(['step', ...variants.flatMap(() => ['ms', '× COPY', 'WAL MB'])], widths),
    ...(variants[0]?.steps ?? []).filter((s) => s.step !== Step.Staging).map(({ step }) => pad([step, ...variants.flatMap((v) => cells(v.steps.find((s) => s.step === step)?.figures))], widths)),
    pad(['LIVE phases (pin..enact)', ...variants.flatMap((v) => cells(v.live))], widths),
    pad(['planning + LIVE phases', ...variants.flatMap((v) => cells(whole(v.live)))], widths),
    pad(['planning + phases after the pin', ...variants.flatMap((v) => cells(withoutPin(v)))], widths),
  ];
}

