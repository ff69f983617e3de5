/**
 * Where a LIVE run's orchestration goes (issue 17): every statement of a run on PostgreSQL, phase sessions and run
 * store alike, with its start, its duration and the time before it in which no statement was in flight; then the run's
 * wall, the time phase sessions were held, and orchestration (wall − held, as the bench computes it).
 *
 * Usage: npm run bench:trace -- [streamed|held] [reps] [--lines] [--compare]
 *   streamed (default): pinSourceRows then createDurableRun({ pinnedPlan }); held: createDurableRun({ plan }).
 *   --lines prints every statement; --compare alternates runs whose phases wait for the record of their start before
 *   they begin (awaitsRecordBeforeCommit off) with runs whose phases start beside it (on, the adapter's default).
 * DSN: CUTTER_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); a scratch database
 * `cutter_trace_<pid>` is made and dropped. 1,000 IUs per measured run, after three untimed runs of 500.
 */
import { Mode } from '../src/domain/mode.js';
import type { ConnectionProvider, DbSession } from '../src/postgres/port.js';
import { PostgresRunStore } from '../src/postgres/run-store.js';
import { createDurableRun } from '../src/runs/durable-run.js';
import { benchPolicy } from './approvals.js';
import { adapterFor, approveToTheEnd, killSwitch } from './measures.js';
import { median } from './median.js';
import { benchPlan } from './plan.js';
import { benchSources } from './rows.js';
import { openScratch, type ScratchTarget } from './scratch.js';
import { createStreamedRun, planStreamed } from './streamed-api.js';

interface Statement { readonly who: string; readonly what: string; readonly start: number; readonly end: number }
interface Traced { provider: ConnectionProvider; store: PostgresRunStore; statements: Statement[] }

/** A provider and a run store over `target` whose every statement, checkout and release is noted. */
function traced(target: ScratchTarget): Traced {
  const statements: Statement[] = [];
  const note = async <T>(who: string, what: string, work: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    try {
      return await work();
    } finally {
      statements.push({ who, what, start, end: performance.now() });
    }
  };
  const watched = (session: DbSession, who: string): DbSession => ({
    ...session,
    query: (text, params) => note(who, `${text.replace(/\s+/g, ' ').trim().slice(0, 80)} [${JSON.stringify(params ?? []).length} B]`, () => session.query(text, params)),
    release: (broken) => note(who, '(release)', () => session.release(broken)),
  });
  let phases = 0;
  let writes = 0;
  const provider: ConnectionProvider = async (role) => {
    const who = `phase#${++phases}`;
    return watched(await note(who, `(checkout ${role})`, () => target.provider(role)), who);
  };
  const store = new PostgresRunStore((work) => {
    const who = `store#${++writes}`;
    const asked = performance.now();
    return target.admin((s) => {
      statements.push({ who, what: '(checkout admin)', start: asked, end: performance.now() });
      return work(watched(s, who));
    });
  });
  return { provider, store, statements };
}

/** The run's figures, and its statements as lines (start, duration, time nothing was in flight before it). */
function summary(statements: readonly Statement[], t0: number, wallMs: number): { heldMs: number; lines: string[]; counts: string } {
  const sorted = [...statements].sort((a, b) => a.start - b.start);
  const lines: string[] = [];
  let busyUntil = t0;
  for (const s of sorted) {
    const idle = s.start - busyUntil;
    lines.push(`${(s.start - t0).toFixed(1).padStart(8)} +${(s.end - s.start).toFixed(1).padStart(6)} ${idle > 0.3 ? `idle ${idle.toFixed(1).padStart(5)}` : ' '.repeat(10)} ${s.who.padEnd(9)} ${s.what}`);
    busyUntil = Math.max(busyUntil, s.end);
  }
  // A phase session is held from its checkout to the end of its release, as bench/timed-provider.ts counts it.
  const sessions = new Map<string, { start: number; end: number }>();
  for (const s of sorted.filter((x) => x.who.startsWith('phase'))) {
    const seen = sessions.get(s.who);
    sessions.set(s.who, { start: Math.min(seen?.start ?? s.start, s.start), end: Math.max(seen?.end ?? s.end, s.end) });
  }
  const heldMs = [...sessions.values()].reduce((sum, s) => sum + Math.min(s.end, t0 + wallMs) - s.start, 0);
  const sent = sorted.filter((s) => !s.what.startsWith('('));
  const ofPhases = sent.filter((s) => s.who.startsWith('phase')).length;
  return { heldMs, lines, counts: `${sent.length} statements (phases ${ofPhases} in ${sessions.size} sessions, run store ${sent.length - ofPhases})` };
}

/** One run of `n` IUs; `beside` false makes its phases wait for the record of their start before they begin. */
async function traceRun(target: ScratchTarget, path: 'streamed' | 'held', n: number, runId: string, beside: boolean) {
  const { provider, store, statements } = traced(target);
  const executor = adapterFor(target, provider);
  // The flag is the adapter's own (a readonly field); the comparison turns it off on this instance only.
  if (!beside) Object.defineProperty(executor, 'awaitsRecordBeforeCommit', { value: false });
  const options = { initiator: 'bench', approvals: benchPolicy, killSwitch, store, executor };
  // As the bench's runs: a held plan is built (and validated) before the clock starts, and its run id made by the run.
  const plan = path === 'held' ? benchPlan(n) : null;
  const t0 = performance.now();
  const run = plan === null
    ? await createStreamedRun(await planStreamed(provider, runId, benchSources(n)), options)
    : await createDurableRun({ ...options, mode: Mode.Live, plan });
  await approveToTheEnd(run, path);
  const wallMs = performance.now() - t0;
  await run.release();
  return { wallMs, ...summary(statements, t0, wallMs) };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const path = args.includes('held') ? 'held' : 'streamed';
  const reps = Number(args.find((a) => /^\d+$/.test(a)) ?? 1);
  const variants = args.includes('--compare') ? [false, true] : [true];
  const dsn = process.env.CUTTER_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const target = await openScratch('postgres', dsn, { name: `cutter_trace_${process.pid}` });
  const shares = new Map<boolean, number[]>(variants.map((v) => [v, []]));
  try {
    for (let i = 0; i < 3; i++) {
      await target.fresh();
      await traceRun(target, path, 500, `warm-up-${i}`, true);
    }
    for (let rep = 0; rep < reps; rep++) {
      for (const beside of variants) {
        await target.fresh();
        const r = await traceRun(target, path, 1000, `trace-${rep}-${beside}`, beside);
        if (args.includes('--lines')) console.log(r.lines.join('\n'));
        const orchestration = r.wallMs - r.heldMs;
        shares.get(beside)?.push(orchestration / r.wallMs);
        console.log(`${path} rep ${rep + 1}${variants.length > 1 ? (beside ? ' beside' : ' before') : ''}: wall ${r.wallMs.toFixed(1)} ms, phase sessions held ${r.heldMs.toFixed(1)} ms, orchestration ${orchestration.toFixed(1)} ms = ${(orchestration / r.wallMs * 100).toFixed(2)}%; ${r.counts}`);
      }
    }
    for (const [beside, s] of shares) {
      const label = variants.length > 1 ? (beside ? 'phases beside their record' : 'phases after their record') : 'orchestration';
      console.log(`${label}: median ${(median(s) * 100).toFixed(2)}%, max ${(Math.max(...s) * 100).toFixed(2)}%; per rep ${s.map((x) => (x * 100).toFixed(2)).join(' ')}`);
    }
  } finally {
    await target.close();
  }
}

await main();
