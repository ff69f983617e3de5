import type { DbSession } from '../port.js';

/**
 * Replaces every row of `cutter.iu_versions` with `rows` (each the JSON of one row, ids included), inside the caller's
 * transaction, as an administrator. The lifecycle log keeps its history (the delete is not logged; each restored row is
 * logged as an insert by the table's trigger). The id sequence is moved past the restored ids, never back, so a later
 * insert reuses no id the lifecycle log has seen.
 *
 * The generated SQL (PostgreSQL):
 * `DELETE FROM cutter.iu_versions;`
 * `INSERT INTO cutter.iu_versions SELECT * FROM json_populate_recordset(NULL::cutter.iu_versions, $1::json);` (per chunk)
 */
export async function replaceIUVersions(session: DbSession, rows: AsyncIterable<readonly string[]>): Promise<number> {
  await session.query('DELETE FROM cutter.iu_versions');
  let count = 0;
  for await (const chunk of rows) {
    if (chunk.length === 0) continue;
    const inserted = await session.query('INSERT INTO cutter.iu_versions SELECT * FROM json_populate_recordset(NULL::cutter.iu_versions, $1::json)', [`[${chunk.join(',')}]`]);
    count += inserted.rowCount;
  }
  await session.query(`SELECT setval('cutter.iu_versions_id_seq', m) FROM (SELECT max(id) AS m FROM cutter.iu_versions) x
    WHERE m IS NOT NULL AND m > (SELECT last_value FROM cutter.iu_versions_id_seq)`);
  return count;
}

/**
 * The rows of `cutter.iu_versions` as JSON text, `chunk` at a time in id order (to copy them into another database).
 * Ordered by the column `v.id`, not the output `id` (its text, which sorts 10 before 9): keyset paging on text order
 * yields ids again and again, and the restore met them as duplicate keys.
 */
export async function* iuVersionRows(session: DbSession, chunk = 1000): AsyncGenerator<string[]> {
  let after = '-1';
  for (;;) {
    const { rows } = await session.query<{ id: string; r: string }>(
      'SELECT id::text AS id, to_jsonb(v)::text AS r FROM cutter.iu_versions v WHERE v.id > $1::bigint ORDER BY v.id LIMIT $2',
      [after, chunk],
    );
    if (rows.length === 0) return;
    yield rows.map((row) => row.r);
    after = rows.at(-1)?.id ?? after;
  }
}
