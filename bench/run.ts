/**
 * `npm run bench`: measures Cutter's writes against the COPY floor on PostgreSQL and PGlite, side by side with a DBOS
 * Transact peer, prints a table and writes bench/results/<date>-<host>.json (or `--out`). Each target runs in a child process of
 * its own. Never part of `npm test`; nothing here asserts a time.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, hostname, release, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, USAGE, type BenchArgs } from './args.js';
import { recordFileIn } from './record-file.js';
import { buildStreamedChild } from './child-build.js';
import { checkTargets, formatTable, summarise, type SizeSummary } from './report.js';
import { formatConcurrent, runConcurrent, type ConcurrentResult } from './concurrent.js';
import { STREAMED_API } from './streamed-api.js';
import { runWorker, type WorkerResult } from './worker.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Runs one worker in a child process (same loader flags as this one) and reads its JSON; `failed` stands in if it wrote none. */
async function inChild<T>(worker: NonNullable<BenchArgs['worker']>, argv: readonly string[], failed: (why: string) => T): Promise<T> {
  const out = join(tmpdir(), `cutter-bench-${process.pid}-${worker}.json`);
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, '--expose-gc', fileURLToPath(import.meta.url), ...argv, '--worker', worker, '--out', out], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', resolve);
  });
  try {
    return JSON.parse(await readFile(out, 'utf8')) as T;
  } catch {
    return failed(`the worker exited with code ${code ?? 'null'} and wrote no results`);
  } finally {
    await rm(out, { force: true });
  }
}

const failedWorker = (worker: WorkerResult['worker']) => (error: string): WorkerResult => ({ worker, serverVersion: '', sizes: [], processPeakRssMb: Number.NaN, seconds: 0, error });

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const args = parseArgs(argv, process.env);
  if (args.worker !== null) {
    const result = args.worker === 'concurrent'
      ? await runConcurrent({ dsn: args.dsn, rows: args.concurrentRows, liveRuns: args.liveRuns, dryRuns: args.dryRuns })
      : await runWorker(args.worker, args);
    await writeFile(args.out ?? join(tmpdir(), `cutter-bench-${args.worker}.json`), JSON.stringify(result));
    return;
  }
  const started = performance.now();
  // The children get every flag but where this run's record goes (each is given a file of its own).
  const passOn = argv.filter((a, i) => a !== '--out' && !a.startsWith('--out=') && argv[i - 1] !== '--out');
  const results: WorkerResult[] = [];
  if (!args.concurrentOnly && args.targets.includes('postgres')) {
    process.stderr.write("compiling the streamed LIVE run's process (tsc -p tsconfig.bench.json)...\n");
    buildStreamedChild();
  }
  for (const target of args.concurrentOnly ? [] : args.targets) {
    process.stderr.write(`measuring ${target}...\n`);
    results.push(await inChild(target, passOn, failedWorker(target)));
  }
  if (!args.concurrentOnly && !args.skipDbos && args.dbosSizes.length > 0) {
    process.stderr.write('measuring the DBOS peer...\n');
    results.push(await inChild('dbos', passOn, failedWorker('dbos')));
  }
  let concurrent: ConcurrentResult | null = null;
  if (args.concurrent) {
    process.stderr.write('measuring many runs at once...\n');
    concurrent = await inChild('concurrent', passOn, (error): ConcurrentResult => ({ args: { rows: args.concurrentRows, liveRuns: args.liveRuns, dryRuns: args.dryRuns }, batches: [], processPeakRssMb: Number.NaN, seconds: 0, error }));
  }
  const summaries = new Map<string, SizeSummary[]>(results.map((r) => [r.worker, r.sizes.map(summarise)]));
  const postgres = results.find((r) => r.worker === 'postgres');
  const checks = checkTargets(summaries.get('postgres') ?? [], postgres?.processPeakRssMb ?? null);
  const peer = (summaries.get('dbos') ?? []).map((d) => {
    const cutter = summaries.get('postgres')?.find((s) => s.n === d.n)?.live ?? null;
    return { n: d.n, cutter, dbos: d.dbos };
  });
  const totalSeconds = (performance.now() - started) / 1000;
  let table = args.concurrentOnly ? '' : formatTable(results, summaries, checks);
  if (peer.length > 0) {
    table += '\n\n== side by side on PostgreSQL: Cutter (statechart + run store) and DBOS Transact (workflow + system database)';
    for (const p of peer) {
      const f = (o: typeof p.cutter) => (o === null ? 'not measured' : `wall ${o.medianWallMs.toFixed(0)} ms, orchestration ${o.medianOverheadMs.toFixed(0)} ms (${(o.medianShare * 100).toFixed(1)}%)`);
      table += `\n${p.n.toLocaleString('en-US')} IUs: Cutter ${f(p.cutter)} | DBOS ${f(p.dbos)}`;
    }
  }
  if (concurrent !== null) table += `\n${formatConcurrent(concurrent)}`;
  const pgliteAt = args.targets.includes('pglite') && args.pgliteSizes.join(',') !== args.sizes.join(',') ? ` (PGlite at ${args.pgliteSizes.join(',') || 'none'})` : '';
  const measured = args.concurrentOnly ? 'only' : `sizes ${args.sizes.join(',')}, ${args.reps} reps, targets ${args.targets.join(',')}${pgliteAt}${args.skipDbos ? ', no DBOS' : ''}`;
  table += `\n\nbench took ${totalSeconds.toFixed(0)} s (${measured}${args.concurrent ? `, ${args.liveRuns} LIVE and ${args.dryRuns} DRYRUN runs at once of ${args.concurrentRows} rows` : ''})`;
  process.stdout.write(`${table}\n`);

  const date = new Date().toISOString().slice(0, 10);
  // A partial run (fewer sizes, reps or targets, or no peer) never overwrites the day's full record.
  const full = args.sizes.join(',') === '1000,10000,100000' && args.pgliteSizes.join(',') === args.sizes.join(',') && args.reps >= 3 && args.targets.length === 2 && !args.skipDbos && !args.concurrentOnly;
  // The 1M record (issue 17: sizes up to 1M, PostgreSQL only) is a run of its own, named so.
  const million = args.sizes.includes(1_000_000) && args.reps >= 3 && args.targets.includes('postgres') && !args.concurrentOnly;
  const kind = full ? '' : million ? '-1m' : '-partial';
  const file = args.out ?? await recordFileIn(join(here, 'results'), `${date}-${hostname()}${kind}`, kind === '-partial');
  await mkdir(dirname(file), { recursive: true });
  const machine = { cores: cpus().length, cpu: cpus()[0]?.model ?? '?', ramGb: Math.round(totalmem() / 2 ** 30), kernel: release(), node: process.version };
  await writeFile(file, `${JSON.stringify({ date: new Date().toISOString(), machine, args: { sizes: args.sizes, pgliteSizes: args.pgliteSizes, reps: args.reps, targets: args.targets, skipDbos: args.skipDbos, concurrent: args.concurrent, concurrentOnly: args.concurrentOnly }, totalSeconds, streamedApi: STREAMED_API, targets: checks, peer, summaries: Object.fromEntries(summaries), raw: results, concurrent }, null, 2)}\n`);
  process.stdout.write(`results written to ${file}\n`);
  if (results.some((r) => r.error !== null) || concurrent?.error != null || (concurrent?.batches.some((b) => b.failures.length > 0) ?? false)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
