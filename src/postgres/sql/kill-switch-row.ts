import type { DbSession } from '../port.js';

/**
 * The kill-switch row as it stands: its state and who set it, when and why. `changedAt` is PostgreSQL's own text of
 * the timestamp (microseconds and offset included), so writing it back restores the row exactly; a JS Date would
 * drop the microseconds.
 */
export interface KillSwitchRow {
  readonly enabled: boolean;
  readonly changedBy: string;
  readonly reason: string;
  readonly changedAt: string;
}

interface Stored { enabled: boolean; changed_by: string; reason: string; changed_at: string }

/**
 * Reads the row and locks it until the session's transaction ends (FOR UPDATE), so nobody flips the switch between
 * this read and the caller's write. Null when the target has no kill-switch row.
 *
 * @example The statement (PostgreSQL)
 * SELECT enabled, changed_by, reason, changed_at::text FROM cutter.kill_switch WHERE singleton FOR UPDATE
 */
export async function readKillSwitchForUpdate(session: DbSession): Promise<KillSwitchRow | null> {
  const { rows } = await session.query<Stored>('SELECT enabled, changed_by, reason, changed_at::text AS changed_at FROM cutter.kill_switch WHERE singleton FOR UPDATE');
  const row = rows[0];
  return row === undefined ? null : { enabled: row.enabled, changedBy: row.changed_by, reason: row.reason, changedAt: row.changed_at };
}

/** Writes the whole row (state, who, why, when). */
export async function writeKillSwitchRow(session: DbSession, row: KillSwitchRow): Promise<void> {
  await session.query(
    'UPDATE cutter.kill_switch SET enabled = $1, changed_by = $2, reason = $3, changed_at = $4::timestamptz WHERE singleton',
    [row.enabled, row.changedBy, row.reason, row.changedAt],
  );
}

/**
 * Puts `previous` back, but only while the row still reads exactly `expected` (what this process wrote): if someone
 * changed the switch since, their change stands. True when the row was put back.
 */
export async function restoreKillSwitchIfUnchanged(session: DbSession, expected: KillSwitchRow, previous: KillSwitchRow): Promise<boolean> {
  const { rows } = await session.query(
    `UPDATE cutter.kill_switch SET enabled = $1, changed_by = $2, reason = $3, changed_at = $4::timestamptz
      WHERE singleton AND enabled = $5 AND changed_by = $6 AND reason = $7 AND changed_at = $8::timestamptz
      RETURNING singleton`,
    [previous.enabled, previous.changedBy, previous.reason, previous.changedAt, expected.enabled, expected.changedBy, expected.reason, expected.changedAt],
  );
  return rows.length === 1;
}
