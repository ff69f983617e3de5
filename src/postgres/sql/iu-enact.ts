import type { DbSession } from '../port.js';

/** What the enactment reports per address, in plan order. */
export interface EnactedRow {
  readonly address: string;
  readonly version: number;
  readonly status: 'enacted' | 'not-found' | 'not-draft';
}

/** Whose enactment this is: the change set, the run carrying it out, and the review decision it enacts. */
export interface Enactment {
  readonly changeSetId: string;
  readonly runId: string;
  readonly reviewDecisionId: string;
}

/**
 * Enacts this change set's drafts at `addresses`, a chunk per call of `cutter.fn_enact_addresses` (migration 10: the
 * phase roles cannot move a version themselves; the function refuses a change set with no passing verification and
 * records its SG_2 pass), in the caller's transaction. The lifecycle triggers check and log every move. A status per
 * address, in input order; the function reports only rows not enacted at version 1.
 */
export async function enactAddresses(
  session: DbSession,
  enactment: Enactment,
  addresses: readonly string[],
  chunkSize: number,
  afterChunk: (done: number) => void,
): Promise<EnactedRow[]> {
  const out: EnactedRow[] = addresses.map((address) => ({ address, version: 1, status: 'enacted' }));
  for (let start = 0; start < addresses.length; start += chunkSize) {
    const chunk = addresses.slice(start, start + chunkSize);
    const { rows } = await session.query<{ ord: number; version: number; status: EnactedRow['status'] }>(
      'SELECT ord, version, status FROM cutter.fn_enact_addresses($1, $2, $3, $4::text[])',
      [enactment.changeSetId, enactment.reviewDecisionId, enactment.runId, chunk],
    );
    for (const r of rows) out[start + r.ord] = { address: chunk[r.ord] ?? '', version: r.version, status: r.status };
    afterChunk(start + chunk.length);
  }
  return out;
}

/**
 * Retires the enacted versions at `addresses` through `cutter.fn_retire_addresses`, naming the change set that
 * retired them (so its revert can enact them again); the lifecycle trigger logs each move. Returns the addresses retired.
 */
export async function retireEnacted(session: DbSession, changeSetId: string, addresses: readonly string[]): Promise<string[]> {
  if (addresses.length === 0) return [];
  const { rows } = await session.query<{ address: string }>('SELECT address FROM cutter.fn_retire_addresses($1, $2::text[])', [changeSetId, [...addresses]]);
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

/**
 * Enacts the drafts of a change set whose plan is pinned for its run, the addresses read from the pin server-side (all
 * but retirements, a range of `ord` per call of `cutter.fn_enact_addresses`): no address crosses the wire. Returns
 * only the rows that were not enacted (none, for a change set that can be enacted), with their address.
 */
export async function enactPinnedAddresses(session: DbSession, enactment: Enactment, pinnedRows: number, chunkSize: number, afterChunk: (done: number) => void): Promise<EnactedRow[]> {
  const failed: EnactedRow[] = [];
  let done = 0;
  for (let start = 0; start < pinnedRows; start += chunkSize) {
    const { rows } = await session.query<{ address: string; version: number; status: EnactedRow['status']; n: number }>(`
      SELECT a.addresses[f.ord + 1] AS address, f.version, f.status, cardinality(a.addresses) AS n
      FROM (SELECT ARRAY(SELECT address FROM cutter.pinned_plan_rows WHERE run_id = $3 AND action IS DISTINCT FROM 'retire' AND ord >= $4 AND ord < $5 ORDER BY ord) AS addresses) a
      LEFT JOIN LATERAL cutter.fn_enact_addresses($1, $2, $3, a.addresses) f ON true`,
      [enactment.changeSetId, enactment.reviewDecisionId, enactment.runId, start, start + chunkSize]);
    for (const r of rows) if (r.status !== null && r.status !== 'enacted') failed.push({ address: r.address, version: r.version, status: r.status });
    done += rows[0]?.n ?? 0;
    afterChunk(done);
  }
  return failed;
}

/** Retires the enacted versions at the addresses the run's pin retires, read server-side; returns how many were retired. */
export async function retirePinned(session: DbSession, changeSetId: string, runId: string): Promise<number> {
  const { rows } = await session.query<{ n: number }>(
    "SELECT count(*)::integer AS n FROM cutter.fn_retire_addresses($1, ARRAY(SELECT address FROM cutter.pinned_plan_rows WHERE run_id = $2 AND action = 'retire'))",
    [changeSetId, runId],
  );
  return rows[0]?.n ?? 0;
}
