/**
 * One target's measurements, in a process of their own (so PGlite's memory never shows in PostgreSQL's peak RSS):
 * for each size and repetition, a fresh schema before each of the floor, the cut and enactment, the pin and the cut
 * from it, the DRYRUN run and the LIVE run of a plan held in memory (those four only up to HELD_PLAN_MAX_ROWS), then
 * the streamed LIVE run (its own process on PostgreSQL), the pg_dump runner on what it wrote, and the classification
 * against what it wrote with its two floors.
 */
import { Mode } from '../src/domain/mode.js';
import { PGLITE_SKIPPED, type BenchArgs } from './args.js';
import { classifyStreamed, copyChangedFloor, readAddressesFloor, settleHeld } from './classify-measures.js';
import { launchDbosPeer } from './dbos-peer.js';
import { classifyHeld, copyFloor, cutAndEnact, pgDumpBackup, pinAndCut, wholeRun, type RunTiming } from './measures.js';
import { benchPlan } from './plan.js';
import { benchRows } from './rows.js';
import { processPeakRssMb, withPeakRss } from './rss.js';
import { openScratch, type ScratchTarget } from './scratch.js';
import { measureStreamedLive, type StreamedSample } from './streamed-process.js';

export interface Sample { readonly ms: number; readonly peakRssMb: number }
export type RunSample = Sample & RunTiming;
export type { StreamedSample } from './streamed-process.js';

/** Above this many rows the measurements that hold the plan in memory are skipped: they cannot be flat by design. */
export const HELD_PLAN_MAX_ROWS = 100_000;
export const HELD_PLAN_SKIPPED = 'holds the plan in memory';

export interface SizeSamples {
  readonly n: number;
  /** Why the measurements of a plan held in memory (cut, pin, enact, LIVE, DRYRUN, held classification) have no samples, if so. */
  readonly skipped: typeof HELD_PLAN_SKIPPED | null;
  readonly floor: Sample[];
  readonly cut: Sample[];
  /** Planning's pin of the plan in the target, then the cut from the pinned rows (the path a LIVE run takes). */
  readonly pin: Sample[];
  readonly cutPinned: Sample[];
  readonly enact: Sample[];
  readonly live: RunSample[];
  readonly dryrun: RunSample[];
  /** The whole LIVE run on the streamed path, rows from a generator, in a process of its own on PostgreSQL. */
  readonly liveStreamed: StreamedSample[];
  readonly pgDump: Sample[];
  /** Planning's classification of a held, edited plan against a target holding the N addresses enacted, 1% edited. */
  readonly classify: Sample[];
  /** The same, streamed (stagePlan), and its floors: (a) COPY of the N/100 changed rows, (b) a read of the N addresses. */
  readonly classifyStreamed: Sample[];
  readonly classifyCopyChanged: Sample[];
  readonly classifyReadAddresses: Sample[];
  readonly dbos: RunSample[];
}

export interface WorkerResult {
  readonly worker: 'postgres' | 'pglite' | 'dbos';
  readonly serverVersion: string;
  readonly sizes: SizeSamples[];
  readonly processPeakRssMb: number;
  readonly seconds: number;
  readonly error: string | null;
  /** Sizes asked for but not measured on this target, and why (PGlite above PGLITE_MAX_ROWS); absent in older results. */
  readonly skippedSizes?: readonly { readonly n: number; readonly why: string }[];
}

const log = (line: string) => { process.stderr.write(`${line}\n`); };

/** Collects the previous measurement's garbage first (the worker runs with --expose-gc), so a peak is this one's. */
const collect = (): void => { (globalThis as { gc?: () => void }).gc?.(); };

async function sample(work: () => Promise<number>): Promise<Sample> {
  collect();
  const { value, peakRssMb } = await withPeakRss(work);
  return { ms: value, peakRssMb };
}

async function runSample(work: () => Promise<RunTiming>): Promise<RunSample> {
  collect();
  const { value, peakRssMb } = await withPeakRss(work);
  return { ...value, ms: value.wallMs, peakRssMb };
}

const emptySamples = (n: number, skipped: SizeSamples['skipped']): SizeSamples => ({
  n, skipped, floor: [], cut: [], pin: [], cutPinned: [], enact: [], live: [], dryrun: [], liveStreamed: [], pgDump: [],
  classify: [], classifyStreamed: [], classifyCopyChanged: [], classifyReadAddresses: [], dbos: [],
});

/** The measurements of a plan held in memory, each from a fresh schema. */
async function measureHeldPlan(target: ScratchTarget, n: number, out: SizeSamples): Promise<void> {
  const plan = benchPlan(n);
  await target.fresh();
  let enactMs = 0;
  out.cut.push(await sample(async () => { const t = await cutAndEnact(target, plan); enactMs = t.enactMs; return t.cutMs; }));
  out.enact.push({ ms: enactMs, peakRssMb: out.cut.at(-1)?.peakRssMb ?? 0 });
  await target.fresh();
  let cutPinnedMs = 0;
  out.pin.push(await sample(async () => { const t = await pinAndCut(target, plan); cutPinnedMs = t.cutMs; return t.pinMs; }));
  out.cutPinned.push({ ms: cutPinnedMs, peakRssMb: out.pin.at(-1)?.peakRssMb ?? 0 });
  await target.fresh();
  out.dryrun.push(await runSample(() => wholeRun(target, plan, Mode.DryRun)));
  await target.fresh();
  out.live.push(await runSample(() => wholeRun(target, plan, Mode.Live)));
}

async function measureSize(target: ScratchTarget, n: number, reps: number): Promise<SizeSamples> {
  const held = n <= HELD_PLAN_MAX_ROWS;
  const out = emptySamples(n, held ? null : HELD_PLAN_SKIPPED);
  if (!held) log(`  ${target.kind} n=${n}: cut, pin, enact, DRYRUN and the LIVE run of a held plan skipped (${HELD_PLAN_SKIPPED})`);
  for (let rep = 1; rep <= reps; rep++) {
    log(`  ${target.kind} n=${n} rep ${rep}/${reps}`);
    await target.fresh();
    out.floor.push(await sample(() => copyFloor(target, benchRows(n))));
    if (held) await measureHeldPlan(target, n, out);
    out.liveStreamed.push(await measureStreamedLive(target, n, `bench-streamed-${n}-${rep}`));
    // What the streamed run left: the N rows enacted. pg_dump and the classifications read it; floor (a) writes, last.
    if (target.kind === 'postgres') out.pgDump.push(await sample(() => pgDumpBackup(target)));
    await settleHeld(target);
    out.classifyReadAddresses.push(await sample(() => readAddressesFloor(target, n)));
    out.classifyStreamed.push(await sample(() => classifyStreamed(target, n)));
    // It holds a second, edited plan, and the heap it grows is not all given back to the OS before the next peak.
    if (held) out.classify.push(await sample(() => classifyHeld(target, n)));
    out.classifyCopyChanged.push(await sample(() => copyChangedFloor(target, n)));
  }
  return out;
}

async function measureDbos(target: ScratchTarget, args: BenchArgs): Promise<SizeSamples[]> {
  const peer = await launchDbosPeer(target, args.dsn);
  try {
    await target.fresh();
    await peer.run(benchPlan(500), 'dbos-warm-up');
    const out: SizeSamples[] = [];
    for (const n of args.dbosSizes) {
      const plan = benchPlan(n);
      const samples = emptySamples(n, null);
      for (let rep = 1; rep <= args.reps; rep++) {
        log(`  dbos n=${n} rep ${rep}/${args.reps}`);
        await target.fresh();
        samples.dbos.push(await runSample(() => peer.run(plan, `dbos-${n}-${rep}`)));
      }
      out.push(samples);
    }
    return out;
  } finally {
    await peer.close();
  }
}

/** Runs one worker's measurements; never throws: a failure is returned as `error`, after the scratch database is dropped. */
export async function runWorker(worker: 'postgres' | 'pglite' | 'dbos', args: BenchArgs): Promise<WorkerResult> {
  const started = performance.now();
  const sizes: SizeSamples[] = [];
  let serverVersion = '';
  let error: string | null = null;
  let target: ScratchTarget | null = null;
  const skippedSizes = worker === 'pglite' ? args.pgliteSkipped.map((n) => ({ n, why: PGLITE_SKIPPED })) : [];
  for (const { n, why } of skippedSizes) log(`  pglite n=${n}: skipped (${why})`);
  try {
    target = await openScratch(worker === 'pglite' ? 'pglite' : 'postgres', args.dsn);
    const opened = target;
    serverVersion = await target.admin(async (s) => (await s.query<{ v: string }>('SELECT version() AS v')).rows[0]?.v ?? '');
    // One untimed round first: connections opened, code compiled, caches warm, so the first figure is not a cold one.
    log(`  ${worker} warm-up`);
    if (worker === 'dbos') {
      sizes.push(...(await measureDbos(opened, args)));
    } else {
      await measureSize(opened, 500, 1);
      for (const n of worker === 'pglite' ? args.pgliteSizes : args.sizes) sizes.push(await measureSize(opened, n, args.reps));
    }
  } catch (caught) {
    error = caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught);
    log(`  ${worker} failed: ${error}`);
  } finally {
    await target?.close().catch((e: unknown) => { log(`  could not drop the scratch database: ${String(e)}`); });
  }
  return { worker, serverVersion, sizes, processPeakRssMb: processPeakRssMb(), seconds: (performance.now() - started) / 1000, error, skippedSizes };
}
