/**
 * Where a LIVE run's time goes: `npm run bench:breakdown -- --n 100000 [--reps 3] [--variants as-is,no-triggers,
 * no-triggers-no-indexes] [--chunk N] [--out FILE]`. On a scratch PostgreSQL database, each phase of a LIVE run
 * through the adapter (with `--chunk` rows per chunk, else its default), the COPY floor and `cutter plan`'s streamed
 * planning of the same N rows, measured for wall time, backend CPU, WAL and bytes sent; the same again with the IU
 * table's triggers disabled, and without its secondary indexes too; and, asked for by name, the narrow layout's
 * prototype (bench/narrow-layout.ts) in the same three. Prints a table; writes JSON only to `--out`. The server must
 * be local (its backends' /proc is read) and the DSN (CUTTER_BENCH_DATABASE_URL) a superuser's: it creates
 * pg_walinspect and a temporary replication slot.
 */
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import pg from 'pg';
import { NARROW_VARIANTS, runPass, Variant, type Meters, type StepFigures } from './breakdown-phases.js';
import { formatSummary, summarize } from './breakdown-report.js';
import { meteredProvider } from './metered-provider.js';
import { benchPlan } from './plan.js';
import { clockTicksPerSecond } from './proc-stats.js';
import { openScratch, type ScratchTarget } from './scratch.js';
import { WalMeter } from './wal-meter.js';

const USAGE = `npm run bench:breakdown -- --n 100000 [--reps 3] [--variants as-is,no-triggers,no-triggers-no-indexes,narrow,narrow-no-triggers,narrow-no-triggers-no-indexes] [--chunk 1000] [--out FILE]
npm run bench:breakdown -- --summarize FILE   (prints the table of a recorded run again, from its samples)`;

function option(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i < 0 ? undefined : argv[i + 1];
}

function parse(argv: readonly string[]): { n: number; reps: number; variants: Variant[]; chunk: number | null; out: string | null } {
  const known = new Set(['--n', '--reps', '--variants', '--chunk', '--out']);
  argv.forEach((a, i) => {
    if (a.startsWith('--') && !known.has(a)) throw new Error(`unknown flag ${a}\n${USAGE}`);
    if (known.has(a) && argv[i + 1] === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
  });
  const whole = (flag: string, fallback: number) => {
    const n = Number(option(argv, flag) ?? fallback);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} takes a positive whole number\n${USAGE}`);
    return n;
  };
  const all = Object.values(Variant) as string[];
  // The narrow layout is a prototype (bench/narrow-layout.ts), measured only when asked for.
  const variants = (option(argv, '--variants') ?? all.filter((v) => !NARROW_VARIANTS.includes(v as Variant)).join(',')).split(',').map((v) => v.trim());
  for (const v of variants) if (!all.includes(v)) throw new Error(`--variants takes ${all.join(', ')}: not ${v}`);
  if (!variants.includes(Variant.AsIs)) throw new Error('--variants must include as-is: the others are differences from it');
  const chunk = option(argv, '--chunk') === undefined ? null : whole('--chunk', 1);
  return { n: whole('--n', 100_000), reps: whole('--reps', 3), variants: variants as Variant[], chunk, out: option(argv, '--out') ?? null };
}

async function machine(dsn: string): Promise<Record<string, unknown>> {
  const client = new pg.Client({ connectionString: dsn });
  await client.connect();
  try {
    const setting = async (name: string) => (await client.query<{ v: string }>(`SELECT current_setting('${name}') AS v`)).rows[0]?.v;
    const commit = (() => { try { return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim(); } catch { return null; } })();
    return {
      commit, node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, clockTicks: clockTicksPerSecond(),
      server: await setting('server_version'), sharedBuffers: await setting('shared_buffers'), maxWalSize: await setting('max_wal_size'),
      walCompression: await setting('wal_compression'), synchronousCommit: await setting('synchronous_commit'), fullPageWrites: await setting('full_page_writes'),
    };
  } finally {
    await client.end();
  }
}

/** The cutter tables' sizes on disk (heap, TOAST and indexes), as the as-is pass left them: N IUs enacted. */
async function relationSizes(target: ScratchTarget): Promise<Record<string, number>> {
  return target.admin(async (session) => {
    const { rows } = await session.query<{ name: string; bytes: string }>(
      `SELECT c.relname AS name, pg_total_relation_size(c.oid)::text AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'cutter' AND c.relkind = 'r' AND pg_total_relation_size(c.oid) > 65536 ORDER BY 2 DESC`,
    );
    return Object.fromEntries(rows.map((r) => [r.name, Number(r.bytes)]));
  });
}

/** The table of a recorded run, from its samples: so the figures a document quotes can be printed again. */
async function summarizeRecorded(file: string): Promise<void> {
  const record = JSON.parse(await readFile(file, 'utf8')) as { args: { n: number }; samples: StepFigures[]; relationBytes?: Record<string, number> };
  console.log(formatSummary(summarize(record.samples, record.args.n)));
  if (record.relationBytes !== undefined) console.log(sizesLine(record.relationBytes));
}

const sizesLine = (sizes: Record<string, number>) =>
  `on disk after the as-is pass: ${Object.entries(sizes).map(([name, bytes]) => `${name} ${(bytes / 2 ** 20).toFixed(1)} MB`).join(', ')}`;

async function main(): Promise<void> {
  const recorded = option(process.argv, '--summarize');
  if (recorded !== undefined) return summarizeRecorded(recorded);
  const args = parse(process.argv.slice(2));
  const dsn = process.env.CUTTER_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const started = new Date();
  const target = await openScratch('postgres', dsn, { name: `cutter_breakdown_${process.pid}` });
  const wal = await WalMeter.open(target.dsn ?? dsn);
  const samples: StepFigures[] = [];
  let sizes: Record<string, number> = {};
  try {
    const sessions = meteredProvider(target.provider);
    const meters: Meters = { wal, sessions, ticksPerSecond: clockTicksPerSecond() };
    // Untimed warm-up: connections opened, catalogs and code paths warm.
    for (const variant of args.variants) await runPass(target, benchPlan(500), variant, meters, variant === Variant.AsIs, args.chunk);
    const plan = benchPlan(args.n);
    const loadBefore = loadavg();
    for (let rep = 1; rep <= args.reps; rep++) {
      // The variants alternate within a repetition, so drift in the machine's load falls on all of them alike.
      for (const variant of args.variants) {
        const t0 = performance.now();
        const figures = await runPass(target, plan, variant, meters, variant === Variant.AsIs, args.chunk);
        samples.push(...figures);
        if (variant === Variant.AsIs) sizes = await relationSizes(target);
        console.error(`rep ${rep}/${args.reps} ${variant}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      }
    }
    const summary = summarize(samples, args.n);
    console.log(formatSummary(summary));
    console.log(sizesLine(sizes));
    if (args.out !== null) {
      const record = {
        kind: 'cutter-breakdown/1', startedAt: started.toISOString(), wallSeconds: (Date.now() - started.getTime()) / 1000,
        args, loadAverage: { before: loadBefore, after: loadavg() }, machine: await machine(target.dsn ?? dsn), relationBytes: sizes, summary, samples,
      };
      await writeFile(args.out, `${JSON.stringify(record, null, 2)}\n`);
      console.error(`wrote ${args.out}`);
    }
  } finally {
    await wal.close();
    await target.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
