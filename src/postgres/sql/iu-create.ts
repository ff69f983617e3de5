import type { IURow } from '../../domain/iu.js';
import type { IUCreateStatus } from '../../domain/results.js';
import type { DbSession } from '../port.js';
import { stageRows, type StageTable } from './stage.js';

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

/** Where a cut's rows are staged: by COPY, in the cut's transaction. */
export const IU_STAGE: StageTable = {
  name: 'cutter_iu_stage',
  columns: [['ord', 'integer'], ['address', 'text'], ['title', 'text'], ['body', 'text'], ['content_hash', 'text']],
};

/**
 * One set-based statement over the staged rows: classifies every row as migration 2's batch function does
 * (created | exists | conflict | invalid), inserts the `created` ones as drafts, and reports a status per row. The
 * classification carries no bodies, so the statement never holds the whole batch's text twice.
 */
export const CREATE_STAGED_SQL = /* sql */ `
WITH latest AS (
  SELECT DISTINCT ON (v.address) v.address, v.version, v.status, v.content_hash
  FROM cutter.iu_versions v JOIN cutter_iu_stage s ON s.address = v.address
  ORDER BY v.address, v.version DESC
),
classified AS (
  SELECT s.ord, s.address, l.version AS latest_version,
    CASE
      WHEN s.title IS NULL OR btrim(s.title) = '' OR s.body IS NULL OR btrim(s.body) = '' THEN 'invalid'
      WHEN l.status = 'draft' THEN 'conflict'
      WHEN l.status = 'enacted' AND l.content_hash = s.content_hash THEN 'exists'
      ELSE 'created'
    END AS status
  FROM cutter_iu_stage s LEFT JOIN latest l ON l.address = s.address
),
inserted AS (
  INSERT INTO cutter.iu_versions (address, version, title, body, content_hash, status, change_set_id)
  SELECT s.address, coalesce(c.latest_version, 0) + 1, s.title, s.body, s.content_hash, 'draft', $1
  FROM cutter_iu_stage s JOIN classified c ON c.ord = s.ord
  WHERE c.status = 'created'
  RETURNING iu_versions.address, iu_versions.version
)
SELECT c.ord, coalesce(ins.version, c.latest_version, 0) AS version, c.status
FROM classified c LEFT JOIN inserted ins ON ins.address = c.address`;

/**
 * Creates a draft for every row, staged by COPY then checked and inserted by one statement ({@link CREATE_STAGED_SQL}),
 * in the caller's transaction. Returns a status per row, in input order; `afterChunk` hears how many rows are staged.
 */
export async function createStaged(
  session: DbSession,
  rows: readonly IURow[],
  changeSetId: string,
  chunkSize: number,
  afterChunk: (staged: number) => void,
): Promise<CreatedRow[]> {
  await stageRows(session, IU_STAGE, rows, (r, ord) => [ord, r.address, r.title, r.body, r.contentHash], chunkSize, afterChunk);
  const { rows: out } = await session.query<{ ord: number; version: number; status: IUCreateStatus }>(CREATE_STAGED_SQL, [changeSetId]);
  const created = new Array<CreatedRow>(rows.length);
  for (const r of out) created[r.ord] = { address: rows[r.ord]?.address ?? '', version: r.version, status: r.status };
  return created;
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
