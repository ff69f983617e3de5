import type { IURow } from '../../domain/iu.js';
import type { IUCreateStatus } from '../../domain/results.js';
import type { DbSession } from '../port.js';

/** The statement that creates one chunk of drafts, set-based (see migration 2). */
export const CREATE_CHUNK_SQL =
  'SELECT ord, address, version, status FROM cutter.fn_iu_create_batch($1::text[], $2::text[], $3::text[], $4::text[], $5)';

export interface CreatedRow {
  readonly address: string;
  readonly version: number;
  readonly status: IUCreateStatus;
}

/** The parameters of {@link CREATE_CHUNK_SQL} for a chunk of rows: what the simulator can show, and the adapter runs. */
export function createChunkParams(rows: readonly IURow[], changeSetId: string): unknown[] {
  return [rows.map((r) => r.address), rows.map((r) => r.title), rows.map((r) => r.body), rows.map((r) => r.contentHash), changeSetId];
}

/** Creates one chunk of drafts; returns a status per row, in input order. */
export async function createChunk(session: DbSession, rows: readonly IURow[], changeSetId: string): Promise<CreatedRow[]> {
  const { rows: out } = await session.query<{ address: string; version: number; status: IUCreateStatus }>(CREATE_CHUNK_SQL, createChunkParams(rows, changeSetId));
  return out.map((r) => ({ address: r.address, version: r.version, status: r.status }));
}

/** Records the change set itself (plan hash, row count, run) in the cut's transaction. */
export async function insertChangeSet(session: DbSession, changeSet: { changeSetId: string; planHash: string; rowCount: number }, runId: string): Promise<void> {
  await session.query(
    'INSERT INTO cutter.change_sets (change_set_id, plan_hash, row_count, run_id) VALUES ($1, $2, $3, $4)',
    [changeSet.changeSetId, changeSet.planHash, changeSet.rowCount, runId],
  );
}

/** The drafts a committed cut created, rebuilt from the table (for replaying a recorded cut). */
export async function createdRowsOf(session: DbSession, changeSetId: string): Promise<{ address: string; version: number; contentHash: string }[]> {
  const { rows } = await session.query<{ address: string; version: number; content_hash: string }>(
    'SELECT address, version, content_hash FROM cutter.iu_versions WHERE change_set_id = $1 ORDER BY address COLLATE "C"',
    [changeSetId],
  );
  return rows.map((r) => ({ address: r.address, version: r.version, contentHash: r.content_hash }));
}
