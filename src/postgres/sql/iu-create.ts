import type { IURow } from '../../domain/iu.js';
import type { IUCreateStatus } from '../../domain/results.js';
import type { DbSession } from '../port.js';
import { loadRows, stageRows, type StageTable } from './stage.js';

/** What the cut reports per row, in plan order. */
export interface CreatedRow {
  readonly address: string;
  readonly version: number;
  readonly status: IUCreateStatus;
}

/** Where a cut's row keys are staged (by COPY, in the cut's transaction): no titles or bodies, those are written once. */
export const IU_KEY_STAGE: StageTable = {
  name: 'cutter_iu_stage',
  columns: [['ord', 'integer'], ['address', 'text'], ['content_hash', 'text'], ['blank', 'boolean']],
};

/**
 * One set-based statement that checks every row of `rows` (a query giving ord, address, content_hash and blank)
 * against the target as migration 2's batch function does: created | exists (the enacted version has this content) |
 * conflict (an open draft exists) | invalid (no title or body). It reports by exception: only rows that are not
 * "created as version 1" come back, each with its ord, address, status and version, so a 100k-row cut of new
 * addresses transfers nothing.
 */
export const classifySql = (rows: string): string => /* sql */ `
WITH checked AS NOT MATERIALIZED (${rows}),
latest AS (
  SELECT DISTINCT ON (v.address) v.address, v.version, v.status, v.content_hash
  FROM cutter.iu_versions v JOIN checked s ON s.address = v.address
  ORDER BY v.address, v.version DESC
),
classified AS (
  SELECT s.ord, s.address, l.version AS latest_version,
    CASE
      WHEN s.blank THEN 'invalid'
      WHEN l.status = 'draft' THEN 'conflict'
      WHEN l.status = 'enacted' AND l.content_hash = s.content_hash THEN 'exists'
      ELSE 'created'
    END AS status
  FROM checked s LEFT JOIN latest l ON l.address = s.address
)
SELECT ord, address, CASE WHEN status = 'created' THEN coalesce(latest_version, 0) + 1 ELSE coalesce(latest_version, 0) END AS version, status
FROM classified
WHERE status <> 'created' OR latest_version IS NOT NULL`;

/** {@link classifySql} over the staged keys of a cut of client rows. */
const CLASSIFY_STAGED_SQL = classifySql('SELECT ord, address, content_hash, blank FROM cutter_iu_stage');

/** The columns a cut writes, in COPY order. */
const IU_VERSIONS: StageTable = {
  name: 'cutter.iu_versions',
  // No status column: a version enters as a draft by default, and the phase roles may not name another (migration 10).
  columns: [['address', 'text'], ['version', 'integer'], ['title', 'text'], ['body', 'text'], ['content_hash', 'text'], ['change_set_id', 'text']],
};

/**
 * Creates a draft for every row, in the caller's transaction: the rows' keys are staged by COPY and checked by one
 * statement ({@link CLASSIFY_STAGED_SQL}); only if every row is `created` are the rows themselves COPYed into
 * cutter.iu_versions (its constraints and lifecycle trigger apply), so titles and bodies cross the wire once.
 * Returns a status per row, in input order; where any row is not `created`, nothing was written and the caller must
 * refuse (roll back). `afterChunk` hears how many rows are written so far.
 */
export async function createStaged(
  session: DbSession,
  rows: readonly IURow[],
  changeSetId: string,
  chunkSize: number,
  afterChunk: (written: number) => void,
): Promise<CreatedRow[]> {
  const created = await stageAndClassify(session, rows, chunkSize);
  if (created.some((row) => row.status !== 'created')) return created;
  await writeRows(session, rows, created, changeSetId, chunkSize, afterChunk);
  return created;
}

/** `t` if a row has no title or no body (only whitespace): the cut reports it `invalid`. */
export const blankFlag = (r: IURow): 't' | 'f' => (r.title.trim() === '' || r.body.trim() === '' ? 't' : 'f');

/**
 * Stages the rows' keys (ord, address, content hash, blank flag) by COPY into {@link IU_KEY_STAGE} and classifies
 * every row against the target in one statement; returns a status per row, in input order.
 */
async function stageAndClassify(session: DbSession, rows: readonly IURow[], chunkSize: number): Promise<CreatedRow[]> {
  await stageRows(session, IU_KEY_STAGE, rows, (r, ord) => [ord, r.address, r.contentHash, blankFlag(r)], Math.max(chunkSize, 10_000), () => undefined);
  const { rows: exceptions } = await session.query<{ ord: number; version: number; status: IUCreateStatus }>(CLASSIFY_STAGED_SQL);
  const created: CreatedRow[] = rows.map((r) => ({ address: r.address, version: 1, status: 'created' }));
  for (const e of exceptions) created[e.ord] = { address: rows[e.ord]?.address ?? '', version: e.version, status: e.status };
  return created;
}

/** COPYs the checked rows into cutter.iu_versions as drafts, a chunk at a time (by INSERT where the session cannot COPY). */
async function writeRows(session: DbSession, rows: readonly IURow[], created: readonly CreatedRow[], changeSetId: string, chunkSize: number, afterChunk: (written: number) => void): Promise<void> {
  const fields = (r: IURow, i: number) => [r.address, created[i]?.version ?? 1, r.title, r.body, r.contentHash, changeSetId];
  await loadRows(session, IU_VERSIONS, rows, fields, chunkSize, afterChunk);
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
