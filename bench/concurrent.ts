/**
 * Many runs at once, from one process (issue 17, point 3): `liveRuns` LIVE runs, each on a target of its own (a
 * scratch database `cutter_bench_<pid>_c<i>`), all started together; then `dryRuns` DRYRUN runs spread over the same
 * databases (their run stores), all started together. Each run is first measured alone, on the same database and a
 * fresh schema, so its overhead is its wall time together over its wall time alone. While the runs go together a
 * sampler watches what every bench session waits on (see wait-sampler.ts). Every scratch database is dropped at the
 * end, also on failure or Ctrl-C.
 */
import { Mode } from '../src/domain/mode.js';
import type { Cutplan } from '../src/domain/cutplan.js';
import { wholeRun, type RunTiming } from './measures.js';
import { benchPlan } from './plan.js';
import { median } from './report.js';
import { processPeakRssMb, withPeakRss } from './rss.js';
import { openScratch, type ScratchTarget } from './scratch.js';
import { startWaitSampler, type WaitSummary } from './wait-sampler.js';

export interface ConcurrentArgs {
  readonly dsn: string;
  /** Rows per run. */
  readonly rows: number;
  readonly liveRuns: number;
  readonly dryRuns: number;
}

export interface RunPair {
  readonly database: string;
  readonly aloneMs: number;
  readonly togetherMs: number;
  /** togetherMs / aloneMs. */
  readonly overhead: number;
  /** The run's phases' database time and orchestration, together. */
  readonly phaseDbMs: number;
  readonly orchestrationMs: number;
}

export interface Batch {
  readonly mode: 'LIVE' | 'DRYRUN';
  readonly runs: number;
  readonly rowsEach: number;
  readonly databases: number;
  /** From the first start to the last end, all together. */
  readonly makespanMs: number;
  /** All runs' rows over the makespan. */
  readonly rowsPerSec: number;
  /** The runs' wall times alone, summed: one at a time, back to back. */
  readonly sumAloneMs: number;
  /** sumAloneMs / makespanMs: how much sooner all of them end together than one at a time. */
  readonly speedup: number;
  /** One run's rows over its median wall time alone: what one run at a time would reach. */
  readonly aloneRowsPerSec: number;
  readonly medianOverhead: number;
  readonly maxOverhead: number;
  readonly peakRssMb: number;
  readonly pairs: readonly RunPair[];
  readonly waits: WaitSummary;
  readonly failures: readonly string[];
}

export interface ConcurrentResult {
  readonly args: Omit<ConcurrentArgs, 'dsn'>;
  readonly batches: readonly Batch[];
  readonly processPeakRssMb: number;
  readonly seconds: number;
  readonly error: string | null;
}

const log = (line: string) => { process.stderr.write(`${line}\n`); };
const nameOf = (i: number) => `cutter_bench_${process.pid}_c${i}`;

async function batch(mode: Mode, targets: readonly ScratchTarget[], runs: number, plan: Cutplan, dsn: string): Promise<Batch> {
  const label = mode === Mode.Live ? 'LIVE' : 'DRYRUN';
  const on = (i: number): ScratchTarget => targets[i % targets.length] as ScratchTarget;
  const alone: RunTiming[] = [];
  for (let i = 0; i < runs; i++) {
    // A fresh schema per LIVE run (a target takes one change set of these addresses); DRYRUN writes only its run.
    if (mode === Mode.Live || i < targets.length) await on(i).fresh();
    alone.push(await wholeRun(on(i), plan, mode));
  }
  log(`  ${label}: ${runs} alone, median ${median(alone.map((a) => a.wallMs)).toFixed(0)} ms; now together`);
  for (const t of targets) await t.fresh();
  const sampler = await startWaitSampler(dsn, `cutter_bench_${process.pid}_c`);
  const started = performance.now();
  const { value: settled, peakRssMb } = await withPeakRss(() => Promise.allSettled(Array.from({ length: runs }, (_, i) => wholeRun(on(i), plan, mode))));
  const makespanMs = performance.now() - started;
  const waits = await sampler.stop();
  const pairs: RunPair[] = [];
  const failures: string[] = [];
  settled.forEach((s, i) => {
    if (s.status === 'rejected') {
      failures.push(`run ${i} on ${on(i).dsn ?? ''}: ${String(s.reason)}`);
      return;
    }
    const aloneMs = alone[i]?.wallMs ?? Number.NaN;
    const t = s.value;
    pairs.push({ database: nameOf(i % targets.length), aloneMs, togetherMs: t.wallMs, overhead: t.wallMs / aloneMs, phaseDbMs: t.phaseDbMs, orchestrationMs: t.overheadMs });
  });
  const overheads = pairs.map((p) => p.overhead);
  return {
    mode: label, runs, rowsEach: plan.rows.length, databases: Math.min(runs, targets.length), makespanMs,
    rowsPerSec: (pairs.length * plan.rows.length) / (makespanMs / 1000),
    sumAloneMs: alone.reduce((sum, a) => sum + a.wallMs, 0), speedup: alone.reduce((sum, a) => sum + a.wallMs, 0) / makespanMs,
    aloneRowsPerSec: plan.rows.length / (median(alone.map((a) => a.wallMs)) / 1000),
    medianOverhead: median(overheads), maxOverhead: Math.max(...overheads), peakRssMb, pairs, waits, failures,
  };
}

/** Never throws: a failure is returned as `error`, after every scratch database is dropped. */
export async function runConcurrent(args: ConcurrentArgs): Promise<ConcurrentResult> {
  const started = performance.now();
  const targets: ScratchTarget[] = [];
  const batches: Batch[] = [];
  let error: string | null = null;
  const dropAll = () => Promise.allSettled(targets.map((t) => t.close()));
  const onSignal = () => { void dropAll().finally(() => process.exit(130)); };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const databases = Math.max(1, args.liveRuns);
    // The run store of each database serves its share of the DRYRUN runs at once, each on a connection of its own.
    const adminPoolSize = Math.ceil(args.dryRuns / databases) + 1;
    for (let i = 0; i < databases; i++) targets.push(await openScratch('postgres', args.dsn, { name: nameOf(i), adminPoolSize, onSignal: false }));
    const first = targets[0] as ScratchTarget;
    log(`  concurrent: ${databases} databases; warm-up`);
    await first.fresh();
    await wholeRun(first, benchPlan(500), Mode.Live);
    const plan = benchPlan(args.rows);
    if (args.liveRuns > 0) batches.push(await batch(Mode.Live, targets, args.liveRuns, plan, args.dsn));
    if (args.dryRuns > 0) batches.push(await batch(Mode.DryRun, targets, args.dryRuns, plan, args.dsn));
  } catch (caught) {
    error = caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught);
    log(`  concurrent failed: ${error}`);
  } finally {
    const closed = await dropAll();
    for (const c of closed) if (c.status === 'rejected') log(`  could not drop a scratch database: ${String(c.reason)}`);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const { dsn: _dsn, ...shown } = args;
  return { args: shown, batches, processPeakRssMb: processPeakRssMb(), seconds: (performance.now() - started) / 1000, error };
}

const f = (v: number, digits = 0) => (Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–');

/** The printed block. */
export function formatConcurrent(result: ConcurrentResult): string {
  const out = ['', `== many runs at once (PostgreSQL, one process) — ${result.seconds.toFixed(0)} s, process peak RSS ${f(result.processPeakRssMb)} MB${result.error === null ? '' : ` — FAILED: ${result.error}`}`];
  for (const b of result.batches) {
    out.push(`-- ${b.runs} ${b.mode} runs of ${f(b.rowsEach)} rows on ${b.databases} databases`);
    out.push(`  together: ${f(b.makespanMs)} ms for all, ${f(b.rowsPerSec)} rows/s overall (one run alone: ${f(b.aloneRowsPerSec)} rows/s); one at a time: ${f(b.sumAloneMs)} ms, so ${f(b.speedup, 2)}× sooner together; peak RSS ${f(b.peakRssMb)} MB`);
    out.push(`  each run's wall together / alone: median ${f(b.medianOverhead, 2)}×, max ${f(b.maxOverhead, 2)}× (${b.pairs.map((p) => f(p.overhead, 1)).join(' ')})`);
    const w = b.waits;
    const top = Object.entries(w.byWait).sort((x, y) => y[1] - x[1]).slice(0, 6).map(([k, n]) => `${k} ${f((100 * n) / Math.max(1, w.activeSessionSamples), 1)}%`).join(', ');
    out.push(`  waits (${w.samples} samples, ${w.activeSessionSamples} active-session samples): ${top}`);
    out.push(`  lock waits on another database (another run's target): ${w.lockWaitsCrossDatabase}; on the same database: ${w.lockWaitsSameDatabase}${w.error === null ? '' : ` (sampling stopped: ${w.error})`}`);
    for (const e of w.crossDatabaseExamples) out.push(`    ${e}`);
    for (const q of w.sameDatabaseWaiters) out.push(`    same database, ${q.samples} samples: ${q.query}`);
    for (const e of b.failures) out.push(`  FAILED ${e}`);
  }
  return out.join('\n');
}
