/**
 * The databases the integration tier runs on: PGlite always (no server needed), and PostgreSQL when
 * CUTTER_TEST_DATABASE_URL names an administrator's DSN (CI sets it, and sets CUTTER_REQUIRE_POSTGRES=1 so that
 * tier can never be skipped silently). Each test file gets its own database; `reset` empties it between tests.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { applyMigrations } from '../../src/postgres/migrations/index.js';
import type { ConnectionProvider, DbSession } from '../../src/postgres/port.js';
import { createPgConnections, withPoolSession } from '../../src/postgres/providers/pg-provider.js';
import { openEmbeddedDatabase } from '../../src/postgres/providers/pglite-provider.js';

export const POSTGRES_URL = process.env.CUTTER_TEST_DATABASE_URL;
export const POSTGRES_REQUIRED = process.env.CUTTER_REQUIRE_POSTGRES === '1';
if (POSTGRES_REQUIRED && (POSTGRES_URL === undefined || POSTGRES_URL === '')) {
  throw new Error('CUTTER_REQUIRE_POSTGRES=1 but CUTTER_TEST_DATABASE_URL is not set');
}

export interface Target {
  readonly kind: 'postgres' | 'pglite';
  readonly provider: ConnectionProvider;
  /** Runs `work` on an administrator's session (owner of the schema; may bypass grants). */
  admin<T>(work: (session: DbSession) => Promise<T>): Promise<T>;
  /** Empties every cutter table and turns the database kill switch ON (tests turn it OFF where they mean to). */
  reset(): Promise<void>;
  /** The DSN (PostgreSQL only), for tests of pg-level behaviour. */
  readonly dsn: string | null;
  close(): Promise<void>;
}

/** The target kinds this run covers. */
export const TARGET_KINDS: readonly Target['kind'][] = POSTGRES_URL === undefined || POSTGRES_URL === '' ? ['pglite'] : ['pglite', 'postgres'];

const RESET_SQL = `
  TRUNCATE cutter.iu_versions, cutter.lifecycle_log, cutter.change_sets, cutter.ledger, cutter.verify_results,
           cutter.phase_records, cutter.backups, cutter.iu_snapshots, cutter.target_lock,
           cutter.run_journal, cutter.run_plans, cutter.run_plan_rows, cutter.runs, cutter.pinned_plans,
           cutter.pinned_plan_rows, cutter.run_holds, cutter.ledger_head RESTART IDENTITY;
  UPDATE cutter.kill_switch SET enabled = true, changed_by = 'test', reason = 'test setup';`;

export async function openTarget(kind: Target['kind']): Promise<Target> {
  return kind === 'pglite' ? openPglite() : openPostgres();
}

async function openPglite(): Promise<Target> {
  const dir = await mkdtemp(join(tmpdir(), 'cutter-pglite-'));
  const db = await openEmbeddedDatabase(dir);
  await db.admin((s) => applyMigrations(s));
  return {
    kind: 'pglite',
    provider: db.provider,
    admin: (work) => db.admin(work),
    reset: () => db.admin((s) => s.exec(RESET_SQL)),
    dsn: null,
    async close() {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function openPostgres(): Promise<Target> {
  const adminUrl = POSTGRES_URL ?? '';
  const name = `cutter_test_${randomBytes(6).toString('hex')}`;
  const root = new pg.Client({ connectionString: adminUrl });
  await root.connect();
  await root.query(`CREATE DATABASE ${name}`);
  await root.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const dsn = url.toString();
  const connections = createPgConnections({ dsn, setRole: true });
  const adminPool = new pg.Pool({ connectionString: dsn, max: 2 });
  adminPool.on('error', () => undefined);
  const admin = <T>(work: (session: DbSession) => Promise<T>): Promise<T> => withPoolSession(adminPool, work);
  await admin((s) => applyMigrations(s));
  return {
    kind: 'postgres',
    provider: connections.provider,
    admin,
    reset: () => admin((s) => s.exec(RESET_SQL)),
    dsn,
    async close() {
      await connections.end();
      await adminPool.end();
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

/** Counts rows of a cutter table (admin view). */
export async function countRows(target: Target, table: string, where = 'true', params: unknown[] = []): Promise<number> {
  return target.admin(async (s) => Number((await s.query<{ n: string }>(`SELECT count(*) AS n FROM cutter.${table} WHERE ${where}`, params)).rows[0]?.n ?? 0));
}
