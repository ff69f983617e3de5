/**
 * A scratch target per bench worker: on PostgreSQL a database `cutter_bench_<pid>` created here and dropped at the
 * end (also on failure or Ctrl-C); on PGlite a temporary folder. `fresh()` gives every repetition a new cutter
 * schema: dropped, migrated again, database kill switch ON.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { applyMigrations } from '../src/postgres/migrations/index.js';
import type { ConnectionProvider, DbSession } from '../src/postgres/port.js';
import { createPgConnections, withPoolSession } from '../src/postgres/providers/pg-provider.js';
import { openEmbeddedDatabase } from '../src/postgres/providers/pglite-provider.js';

export interface ScratchTarget {
  readonly kind: 'postgres' | 'pglite';
  readonly provider: ConnectionProvider;
  admin<T>(work: (session: DbSession) => Promise<T>): Promise<T>;
  /** The scratch database's DSN (PostgreSQL only). */
  readonly dsn: string | null;
  /** A new cutter schema, migrated, kill switch ON; on PostgreSQL a CHECKPOINT first, so none lands mid-measure. */
  fresh(): Promise<void>;
  close(): Promise<void>;
}

const FRESH_SQL = 'DROP SCHEMA IF EXISTS cutter CASCADE';
const SWITCH_ON_SQL = "UPDATE cutter.kill_switch SET enabled = true, changed_by = 'bench', reason = 'bench run'";

/** Creates a database named `name` on the server of `adminDsn`; returns its DSN and a function that drops it. */
export async function createScratchDatabase(adminDsn: string, name: string): Promise<{ dsn: string; drop: () => Promise<void> }> {
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminDsn });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await run(`CREATE DATABASE ${name}`);
  const url = new URL(adminDsn);
  url.pathname = `/${name}`;
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  };
  return { dsn: url.toString(), drop };
}

export interface ScratchOptions {
  /** The database's name (default `cutter_bench_<pid>`). */
  readonly name?: string;
  /** Connections of the administrator's pool, which the run store uses (default 2). */
  readonly adminPoolSize?: number;
  /** Drop the database on SIGINT/SIGTERM and exit (default true); a caller holding many drops them all itself. */
  readonly onSignal?: boolean;
}

export async function openScratch(kind: 'postgres' | 'pglite', adminDsn: string, options: ScratchOptions = {}): Promise<ScratchTarget> {
  if (kind === 'pglite') {
    const dir = await mkdtemp(join(tmpdir(), 'cutter-bench-'));
    const db = await openEmbeddedDatabase(dir);
    return {
      kind, provider: db.provider, admin: (work) => db.admin(work), dsn: null,
      fresh: () => db.admin(async (s) => { await s.exec(FRESH_SQL); await applyMigrations(s); await s.exec(SWITCH_ON_SQL); }),
      async close() {
        await db.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  const scratch = await createScratchDatabase(adminDsn, options.name ?? `cutter_bench_${process.pid}`);
  const onSignal = () => { void scratch.drop().finally(() => process.exit(130)); };
  if (options.onSignal !== false) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  const attached = attachScratch(scratch.dsn, options.adminPoolSize ?? 2);
  return {
    ...attached,
    async close() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await attached.close();
      await scratch.drop();
    },
  };
}

/**
 * A target on a scratch database that exists (another process created it, and drops it): its connections, closed by
 * `close`, which leaves the database. The streamed LIVE run's own process works on its parent's database through it.
 */
export function attachScratch(dsn: string, adminPoolSize = 2): ScratchTarget {
  const connections = createPgConnections({ dsn, setRole: true });
  const pool = new pg.Pool({ connectionString: dsn, max: adminPoolSize });
  pool.on('error', () => undefined);
  const admin = <T>(work: (session: DbSession) => Promise<T>): Promise<T> => withPoolSession(pool, work);
  return {
    kind: 'postgres', provider: connections.provider, admin, dsn,
    fresh: () => admin(async (s) => {
      await s.exec(FRESH_SQL);
      await applyMigrations(s);
      await s.exec(SWITCH_ON_SQL);
      await s.query('CHECKPOINT').catch(() => undefined);
    }),
    async close() {
      await connections.end().catch(() => undefined);
      await pool.end().catch(() => undefined);
    },
  };
}
