/**
 * Every row of a target's `cutter` schema as plain JSON, and back: how the run fixtures under test/fixtures/runs keep
 * a target exactly as a release left it (runs, snapshots, journals, pins, IUs, ledger, phase records, backups, lease,
 * kill switch), and how a test puts it into a fresh database of either kind.
 */
import type { DbSession } from '../../src/postgres/port.js';
import { withinTransaction } from '../../src/postgres/transaction.js';

/** Rows per table, keyed by the table's name in the `cutter` schema. */
export type TableRows = Readonly<Record<string, readonly Record<string, unknown>[]>>;

/** The schema's own bookkeeping: a fixture records its schema version instead. */
const NOT_DUMPED = new Set(['schema_migrations']);

async function tablesOf(session: DbSession): Promise<string[]> {
  const { rows } = await session.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'cutter' ORDER BY tablename");
  return rows.map((r) => r.name).filter((name) => !NOT_DUMPED.has(name));
}

/** The table's primary-key columns (ordering the dump makes fixture files stable and their diffs readable). */
async function keyColumnsOf(session: DbSession, table: string): Promise<string[]> {
  const { rows } = await session.query<{ name: string }>(
    `SELECT a.attname AS name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
     WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)`,
    [`cutter.${table}`],
  );
  return rows.map((r) => r.name);
}

/** Every row of every cutter table, ordered by primary key (or by the whole row where a table has none). */
export async function dumpCutterTables(session: DbSession): Promise<TableRows> {
  const dump: Record<string, Record<string, unknown>[]> = {};
  for (const table of await tablesOf(session)) {
    const keys = await keyColumnsOf(session, table);
    const order = keys.length === 0 ? 'to_jsonb(t)::text' : keys.map((k) => `t.${k}`).join(', ');
    const { rows } = await session.query<{ rows: Record<string, unknown>[] }>(
      `SELECT coalesce(jsonb_agg(to_jsonb(t) ORDER BY ${order}), '[]'::jsonb) AS rows FROM cutter.${table} t`,
    );
    dump[table] = rows[0]?.rows ?? [];
  }
  return dump;
}

/**
 * Replaces the contents of the cutter tables with `tables`, as they were dumped: triggers and foreign keys are
 * suspended for the load (`session_replication_role = replica`, so the lifecycle log is not written a second time
 * and the append-only ledger accepts its own rows), and every serial sequence continues after the loaded ids. Needs
 * a superuser session (the test administrator; PGlite's owner).
 */
export async function loadCutterTables(session: DbSession, tables: TableRows): Promise<void> {
  const present = await tablesOf(session);
  const unknown = Object.keys(tables).filter((t) => !present.includes(t));
  if (unknown.length > 0) throw new Error(`the dump has tables this schema lacks: ${unknown.join(', ')}`);
  await withinTransaction(session, async () => {
    await session.query('SET LOCAL session_replication_role = replica');
    await session.exec(`TRUNCATE ${present.map((t) => `cutter.${t}`).join(', ')}`);
    for (const [table, rows] of Object.entries(tables)) {
      if (rows.length === 0) continue;
      await session.query(`INSERT INTO cutter.${table} SELECT * FROM jsonb_populate_recordset(NULL::cutter.${table}, $1::jsonb)`, [JSON.stringify(rows)]);
    }
    const { rows: serials } = await session.query<{ tbl: string; col: string; seq: string }>(
      `SELECT c.relname AS tbl, a.attname AS col, pg_get_serial_sequence(format('cutter.%I', c.relname), a.attname) AS seq
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid
       WHERE n.nspname = 'cutter' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
         AND pg_get_serial_sequence(format('cutter.%I', c.relname), a.attname) IS NOT NULL`,
    );
    for (const { tbl, col, seq } of serials) {
      await session.query(`SELECT setval($1::regclass, coalesce((SELECT max(${col}) FROM cutter.${tbl}), 0) + 1, false)`, [seq]);
    }
  });
}
