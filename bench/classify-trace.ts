/**
 * Where planning's streamed classification goes (issue 17): `npm run bench:classify -- [--n 1000000] [--reps 2]`.
 * On a scratch PostgreSQL database holding N enacted IUs (the bench's rows, loaded untimed), each repetition plans the
 * edited sources (1% changed) as `cutter plan` does (stagePlan, rolled back) and prints its wall time, this process's
 * CPU and every statement of 20 ms or more. Then the classification's floors, (a) a COPY of the changed rows and (b) a
 * read of the addresses, and what the client cannot avoid: reading, validating and content-hashing N rows with no
 * database at all, and a bare sha256 of each body. DSN: CUTTER_BENCH_DATABASE_URL (default the local server), a
 * superuser's: it creates a scratch database and loads the IUs with triggers off (session_replication_role).
 */
import { hash } from 'node:crypto';
import { validateRow } from '../src/domain/cutplan.js';
import { contentHashOf } from '../src/domain/iu.js';
import { DbRole, type DbSession } from '../src/postgres/port.js';
import { loadFieldRows, type StageTable } from '../src/postgres/sql/stage.js';
import { stagePlan } from '../src/postgres/sql/streamed-plan.js';
import { inRolledBackTransaction } from '../src/postgres/transaction.js';
import { CHANGED_EVERY, copyChangedFloor, readAddressesFloor } from './classify-measures.js';
import { benchRow, benchRows, benchSources } from './rows.js';
import { openScratch, type ScratchTarget } from './scratch.js';

const USAGE = 'npm run bench:classify -- [--n 1000000] [--reps 2]';
const SHOWN_MS = 20;

function wholeOption(argv: readonly string[], name: string, fallback: number): number {
  const i = argv.indexOf(name);
  const n = i < 0 ? fallback : Number(argv[i + 1]);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} takes a positive whole number\n${USAGE}`);
  return n;
}

/** The columns loadEnacted writes: the bench's rows as enacted versions, with their real content hashes. */
const ENACTED: StageTable = {
  name: 'cutter.iu_versions',
  columns: [['address', 'text'], ['version', 'integer'], ['title', 'text'], ['body', 'text'], ['content_hash', 'text'], ['change_set_id', 'text'], ['status', 'text'], ['review_decision_id', 'text']],
};

/** N enacted versions of the bench's rows, loaded as the superuser with triggers off (setup, not measured). */
async function loadEnacted(target: ScratchTarget, n: number): Promise<void> {
  function* fields(): Generator<readonly (string | number)[]> {
    for (const r of benchRows(n)) yield [r.address, 1, r.title, r.body, contentHashOf(r.title, r.body), 'cs-loaded', 'enacted', 'RD-LOADED'];
  }
  await target.admin(async (s) => {
    await s.query('SET session_replication_role = replica');
    await loadFieldRows(s, ENACTED, fields(), 5000, () => undefined);
    await s.query('SET session_replication_role = origin');
    await s.exec('VACUUM ANALYZE cutter.iu_versions');
  });
}

/** `session` with each statement and COPY timed into `into`. */
function timedSession(session: DbSession, into: { what: string; ms: number }[]): DbSession {
  const timed = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    try {
      return await work();
    } finally {
      into.push({ what: what.replace(/\s+/g, ' ').slice(0, 100), ms: performance.now() - start });
    }
  };
  return {
    ...session,
    query: (text, values) => timed(text, () => session.query(text, values)),
    ...(session.copyRows === undefined ? {} : { copyRows: (table, columns, chunks) => timed(`COPY ${table}`, () => session.copyRows?.(table, columns, chunks) ?? Promise.resolve()) }),
  };
}

async function classifyOnce(target: ScratchTarget, n: number): Promise<void> {
  const statements: { what: string; ms: number }[] = [];
  const cpu = process.cpuUsage();
  const start = performance.now();
  let counts: unknown;
  await inRolledBackTransaction(target.provider, DbRole.Verify, async (session) => {
    counts = (await stagePlan(timedSession(session, statements), benchSources(n, CHANGED_EVERY), [])).counts;
  });
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  console.log(`classification: wall ${wall.toFixed(0)} ms, client CPU ${((used.user + used.system) / 1000).toFixed(0)} ms, ${JSON.stringify(counts)}`);
  for (const s of statements) if (s.ms >= SHOWN_MS) console.log(`  ${s.ms.toFixed(0).padStart(7)} ms  ${s.what}`);
}

/** What the client does for every row before the database sees any: the bench's row made, validated and content-hashed. */
function clientFloors(n: number): void {
  let start = performance.now();
  for (let i = 0; i < n; i++) validateRow(benchRow(i, CHANGED_EVERY), i);
  console.log(`client alone: ${n} rows made, validated and content-hashed in ${(performance.now() - start).toFixed(0)} ms`);
  start = performance.now();
  for (let i = 0; i < n; i++) hash('sha256', benchRow(i, CHANGED_EVERY).body, 'hex');
  console.log(`client alone: ${n} rows made and their bodies' bare sha256 in ${(performance.now() - start).toFixed(0)} ms`);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  for (const a of argv) if (a.startsWith('--') && a !== '--n' && a !== '--reps') throw new Error(`unknown flag ${a}\n${USAGE}`);
  const n = wholeOption(argv, '--n', 1_000_000);
  const reps = wholeOption(argv, '--reps', 2);
  const dsn = process.env.CUTTER_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const target = await openScratch('postgres', dsn, { name: `cutter_classify_${process.pid}` });
  try {
    await target.fresh();
    await loadEnacted(target, n);
    for (let rep = 0; rep < reps; rep++) await classifyOnce(target, n);
    console.log(`floor (b), a read of the ${n} addresses: ${(await readAddressesFloor(target, n)).toFixed(0)} ms`);
    // Last: it leaves drafts.
    console.log(`floor (a), a COPY of the ${Math.ceil(n / CHANGED_EVERY)} changed rows: ${(await copyChangedFloor(target, n)).toFixed(0)} ms`);
    clientFloors(n);
  } finally {
    await target.close();
  }
}

await main();
