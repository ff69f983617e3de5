import type { JournalEntry } from '../../runs/run-store.js';

/** What one write of the run store carries. */
export interface FencedWrite {
  /** The version the run must be stored at for the write to happen; null: no condition. */
  readonly version: number | null;
  /** The token that must hold the run; null: no condition. */
  readonly holdToken: string | null;
  readonly entries: readonly JournalEntry[];
  readonly latest: { readonly snapshot: unknown; readonly state: string; readonly status: string } | null;
  /** The snapshot version to store the run at from now on (a migration). */
  readonly newVersion?: number;
  /** Commit without waiting for the log flush: a later synchronous commit in this database flushes it (see {@link WriteDurability}). */
  readonly flushLater?: boolean;
}

/**
 * The run store's one write statement: the run's row is locked first and, if it is not at the fence's version (a
 * newer process migrated it) or not held by the fence's token (another process took it), nothing is written and `n`
 * is 0; else the journal entries are appended and the snapshot (and version) updated, all in one statement, so one
 * transaction and one round trip.
 */
export function fencedWriteQuery(runId: string, write: FencedWrite): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const param = (value: unknown, type: string): string => { values.push(value); return `$${values.length}::${type}`; };
  const run = param(runId, 'text');
  const version = write.version === null ? '' : ` AND r.snapshot_version = ${param(write.version, 'integer')}`;
  const held = write.holdToken === null ? '' : ` AND EXISTS (SELECT 1 FROM cutter.run_holds h WHERE h.run_id = r.run_id AND h.token = ${param(write.holdToken, 'text')})`;
  // SET LOCAL inside the statement (it is its own transaction): the commit then skips the wait for the log flush, with
  // no BEGIN, SET and COMMIT round trips of its own. The setting ends with the transaction.
  const flushLater = write.flushLater === true ? " CROSS JOIN (SELECT set_config('synchronous_commit', 'off', true)) AS flush_later" : '';
  const ctes = [`run AS (SELECT r.run_id FROM cutter.runs r${flushLater} WHERE r.run_id = ${run}${version}${held} FOR UPDATE OF r)`];
  if (write.entries.length > 0) {
    ctes.push(`journal AS (INSERT INTO cutter.run_journal (run_id, seq, event, at) SELECT run.run_id, e.seq, e.event, e.at
      FROM run, jsonb_to_recordset(${param(JSON.stringify(write.entries), 'jsonb')}) AS e (seq integer, event jsonb, at timestamptz))`);
  }
  const sets = [
    ...(write.latest === null ? [] : [
      `snapshot = ${param(JSON.stringify(write.latest.snapshot), 'jsonb')}`, `state = ${param(write.latest.state, 'text')}`, `status = ${param(write.latest.status, 'text')}`,
    ]),
    ...(write.newVersion === undefined ? [] : [`snapshot_version = ${param(write.newVersion, 'integer')}`]),
  ];
  if (sets.length > 0) ctes.push(`updated AS (UPDATE cutter.runs r SET ${sets.join(', ')}, updated_at = now() FROM run WHERE r.run_id = run.run_id)`);
  return { text: `WITH ${ctes.join(', ')} SELECT count(*)::int AS n FROM run`, values };
}
