/**
 * One target's measurements, in a process of their own (so PGlite's memory never shows in PostgreSQL's peak RSS):
 * for each size and repetition, a fresh schema before each of the floor, the cut and enactment, the pin and the cut
 * from it, the LIVE run (then
 * the pg_dump runner on what it wrote) and the DRYRUN run.
 */
import { Mode } from '../src/domain/mode.js';
import type { BenchArgs } from './args.js';
import { launchDbosPeer } from './dbos-peer.js';
import { classifyHeld, copyFloor, cutAndEnact, pgDumpBackup, pinAndCut, wholeRun, type RunTiming } from './measures.js';
import { benchPlan } from './plan.js';
import { processPeakRssMb, withPeakRss } from './rss.js';
import { openScratch, type ScratchTarget } from './scratch.js';

export interface Sample { readonly ms: number; readonly peakRssMb: number }
export type RunSample = Sample & RunTiming;

export interface SizeSamples {
  readonly n: number;
  readonly floor: Sample[];
  readonly cut: Sample[];
  /** Planning's pin of the plan in the target, then the cut from the pinned rows (the path a LIVE run takes). */
  readonly pin: Sample[];
  readonly cutPinned: Sample[];
  readonly enact: Sample[];
  readonly live: RunSample[];
  readonly dryrun: RunSample[];
  readonly pgDump: Sample[];
  /** Planning's classification against a target holding the N addresses enacted, 1% of them edited. */
  readonly classify: Sample[];
  readonly dbos: RunSample[];
}

export interface WorkerResult {
  readonly worker: 'postgres' | 'pglite' | 'dbos';
  readonly serverVersion: string;
  readonly sizes: SizeSamples[];
  readonly processPeakRssMb: number;
  readonly seconds: number;
  readonly error: string | null;
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

async function measureSize(target: ScratchTarget, n: number, reps: number): Promise<SizeSamples> {
  const plan = benchPlan(n);
  const out: SizeSamples = { n, floor: [], cut: [], pin: [], cutPinned: [], enact: [], live: [], dryrun: [], pgDump: [], classify: [], dbos: [] };
  for (let rep = 1; rep <= reps; rep++) {
    log(`  ${target.kind} n=${n} rep ${rep}/${reps}`);
    await target.fresh();
    out.floor.push(await sample(() => copyFloor(target, plan)));
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
    if (target.kind === 'postgres') out.pgDump.push(await sample(() => pgDumpBackup(target)));
    // Last: it holds a second, edited plan, and the heap it grows is not all given back to the OS before the next peak.
    out.classify.push(await sample(() => classifyHeld(target, n)));
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
      const samples: SizeSamples = { n, floor: [], cut: [], pin: [], cutPinned: [], enact: [], live: [], dryrun: [], pgDump: [], classify: [], dbos: [] };
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
      for (const n of args.sizes) sizes.push(await measureSize(opened, n, args.reps));
    }
  } catch (caught) {
    error = caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught);
    log(`  ${worker} failed: ${error}`);
  } finally {
    await target?.close().catch((e: unknown) => { log(`  could not drop the scratch database: ${String(e)}`); });
  }
  return { worker, serverVersion, sizes, processPeakRssMb: processPeakRssMb(), seconds: (performance.now() - started) / 1000, error };
}
