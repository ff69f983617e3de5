import type { DbSession } from '../port.js';

export const ENACT_CHUNK_SQL = 'SELECT ord, address, version, status FROM cutter.fn_iu_enact_batch($1, $2::text[], $3)';

export interface EnactedRow {
  readonly address: string;
  readonly version: number;
  readonly status: 'enacted' | 'not-found' | 'not-draft';
}

/** Enacts one chunk of this change set's drafts; a status per address, in input order. */
export async function enactChunk(session: DbSession, changeSetId: string, addresses: readonly string[], reviewDecisionId: string): Promise<EnactedRow[]> {
  const { rows } = await session.query<{ address: string; version: number; status: EnactedRow['status'] }>(ENACT_CHUNK_SQL, [changeSetId, [...addresses], reviewDecisionId]);
  return rows.map((r) => ({ address: r.address, version: r.version, status: r.status }));
}

/** What the lifecycle trigger logged in this transaction: all rows, and those that superseded a version. */
export async function lifecycleRowsThisTransaction(session: DbSession): Promise<{ total: number; superseded: number }> {
  const { rows } = await session.query<{ total: string; superseded: string }>(
    "SELECT count(*) AS total, count(*) FILTER (WHERE to_status = 'superseded') AS superseded FROM cutter.lifecycle_log WHERE tx_id = txid_current()",
  );
  return { total: Number(rows[0]?.total ?? 0), superseded: Number(rows[0]?.superseded ?? 0) };
}
