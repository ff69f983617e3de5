import type { DbSession } from '../port.js';

let cursors = 0;

/**
 * The rows of `sql`, fetched `batch` at a time through a cursor in the session's open transaction: a query over a
 * million rows never comes back as one result held in the process. The cursor is closed when the caller stops early.
 */
export async function* cursorRows<R>(session: DbSession, sql: string, params: readonly unknown[] = [], batch = 1000): AsyncGenerator<R> {
  cursors += 1;
  const name = `cutter_cursor_${cursors}`;
  await session.query(`DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`, params);
  let open = true;
  try {
    for (;;) {
      const { rows } = await session.query<R>(`FETCH ${batch} FROM ${name}`);
      for (const row of rows) yield row;
      if (rows.length < batch) break;
    }
  } catch (error) {
    open = false; // a failed statement aborted the transaction: there is nothing left to close
    throw error;
  } finally {
    if (open) await session.query(`CLOSE ${name}`);
  }
}
