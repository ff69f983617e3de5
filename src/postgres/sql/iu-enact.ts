import type { DbSession } from '../port.js';
import { stageRows, type StageTable } from './stage.js';

/** What the enactment reports per address, in plan order. */
export interface EnactedRow {
  readonly address: string;
  readonly version: number;
  readonly status: 'enacted' | 'not-found' | 'not-draft';
}

/** Where an enactment's addresses are staged: by COPY, in the enactment's transaction. */
export const ENACT_STAGE: StageTable = { name: 'cutter_enact_stage', columns: [['ord', 'integer'], ['address', 'text']] };

/** Supersedes the enacted versions of the staged addresses that this change set has a draft for (migration 2's order). */
export const SUPERSEDE_STAGED_SQL = /* sql */ `
UPDATE cutter.iu_versions v SET status = 'superseded', superseded_by = $1
FROM cutter_enact_stage s
WHERE v.address = s.address AND v.status = 'enacted'
  AND EXISTS (SELECT 1 FROM cutter.iu_versions d WHERE d.address = v.address AND d.change_set_id = $1 AND d.status = 'draft')`;

/**
 * Enacts the change set's drafts at the staged addresses and reports a status per address (enacted | not-found |
 * not-draft), by exception: addresses enacted at version 1 (the usual case) do not come back.
 */
export const ENACT_STAGED_SQL = /* sql */ `
WITH enacted AS (
  UPDATE cutter.iu_versions v SET status = 'enacted', review_decision_id = $2
  FROM cutter_enact_stage s
  WHERE v.address = s.address AND v.change_set_id = $1 AND v.status = 'draft'
  RETURNING v.address, v.version
)
SELECT s.ord, coalesce(e.version, x.version, 0) AS version,
       CASE WHEN e.address IS NOT NULL THEN 'enacted' WHEN x.address IS NULL THEN 'not-found' ELSE 'not-draft' END AS status
FROM cutter_enact_stage s
LEFT JOIN enacted e ON e.address = s.address
LEFT JOIN LATERAL (
  SELECT v.address, v.version FROM cutter.iu_versions v
  WHERE e.address IS NULL AND v.address = s.address AND v.change_set_id = $1 ORDER BY v.version DESC LIMIT 1
) x ON true
WHERE e.address IS NULL OR e.version <> 1`;

/**
 * Enacts this change set's drafts at `addresses`, staged by COPY, in the caller's transaction: the lifecycle
 * triggers check and log every move. A status per address, in input order.
 */
export async function enactStaged(
  session: DbSession,
  changeSetId: string,
  addresses: readonly string[],
  reviewDecisionId: string,
  chunkSize: number,
  afterChunk: (staged: number) => void,
): Promise<EnactedRow[]> {
  await stageRows(session, ENACT_STAGE, addresses, (address, ord) => [ord, address], chunkSize, afterChunk);
  await session.query("SELECT set_config('cutter.acting_change_set', $1, true)", [changeSetId]);
  await session.query(SUPERSEDE_STAGED_SQL, [changeSetId]);
  const { rows } = await session.query<{ ord: number; version: number; status: EnactedRow['status'] }>(ENACT_STAGED_SQL, [changeSetId, reviewDecisionId]);
  const out: EnactedRow[] = addresses.map((address) => ({ address, version: 1, status: 'enacted' }));
  for (const r of rows) out[r.ord] = { address: addresses[r.ord] ?? '', version: r.version, status: r.status };
  return out;
}

/**
 * Retires the enacted versions at `addresses`, naming the change set that retired them (so its revert can enact them
 * again); the lifecycle trigger logs each move with the acting change set. Returns the addresses retired.
 */
export async function retireEnacted(session: DbSession, changeSetId: string, addresses: readonly string[]): Promise<string[]> {
  if (addresses.length === 0) return [];
  await session.query("SELECT set_config('cutter.acting_change_set', $1, true)", [changeSetId]);
  const { rows } = await session.query<{ address: string }>(
    "UPDATE cutter.iu_versions SET status = 'retired', retired_by = $1 WHERE address = ANY ($2::text[]) AND status = 'enacted' RETURNING address",
    [changeSetId, [...addresses]],
  );
  return rows.map((r) => r.address);
}

/** The newest lifecycle-log row's id: taken before a phase's updates, it bounds what {@link lifecycleRowsThisTransaction} counts. */
export async function lifecycleLogHead(session: DbSession): Promise<string> {
  const { rows } = await session.query<{ head: string }>('SELECT coalesce(max(id), 0) AS head FROM cutter.lifecycle_log');
  return String(rows[0]?.head ?? 0);
}

/**
 * What the lifecycle trigger logged in this transaction: all rows, and those that superseded a version. Only rows
 * newer than `head` ({@link lifecycleLogHead}, read at the start of the transaction) count: transaction ids start
 * again in a database restored from a dump, so an old row may carry this transaction's id.
 */
export async function lifecycleRowsThisTransaction(session: DbSession, head: string): Promise<{ total: number; superseded: number }> {
  const { rows } = await session.query<{ total: string; superseded: string }>(
    "SELECT count(*) AS total, count(*) FILTER (WHERE to_status = 'superseded') AS superseded FROM cutter.lifecycle_log WHERE id > $1::bigint AND tx_id = txid_current()",
    [head],
  );
  return { total: Number(rows[0]?.total ?? 0), superseded: Number(rows[0]?.superseded ?? 0) };
}

/** The IUs a committed enactment enacted, rebuilt from the table (for replaying a recorded enactment). */
export async function enactedRowsOf(session: DbSession, changeSetId: string): Promise<EnactedRow[]> {
  const { rows } = await session.query<{ address: string; version: number }>(
    "SELECT address, version FROM cutter.iu_versions WHERE change_set_id = $1 AND status = 'enacted' ORDER BY address COLLATE \"C\"",
    [changeSetId],
  );
  return rows.map((r) => ({ address: r.address, version: r.version, status: 'enacted' as const }));
}
