import type { DbSession } from '../port.js';

/**
 * Count and content digest of a change set's live versions (draft or enacted), computed in the database the same way
 * {@link contentDigestOf} computes it from the plan: `address TAB content_hash LF` lines in byte order.
 */
export async function changeSetDigest(session: DbSession, changeSetId: string): Promise<{ count: number; digest: string }> {
  const { rows } = await session.query<{ count: string; digest: string }>(
    `SELECT count(*) AS count,
            encode(sha256(convert_to(coalesce(string_agg(address || E'\\t' || content_hash || E'\\n', '' ORDER BY address COLLATE "C"), ''), 'UTF8')), 'hex') AS digest
       FROM cutter.iu_versions WHERE change_set_id = $1 AND status IN ('draft', 'enacted')`,
    [changeSetId],
  );
  return { count: Number(rows[0]?.count ?? 0), digest: rows[0]?.digest ?? '' };
}

/** How many live versions the change set has. */
export async function changeSetCount(session: DbSession, changeSetId: string): Promise<number> {
  const { rows } = await session.query<{ count: string }>(
    "SELECT count(*) AS count FROM cutter.iu_versions WHERE change_set_id = $1 AND status IN ('draft', 'enacted')",
    [changeSetId],
  );
  return Number(rows[0]?.count ?? 0);
}

/**
 * Verification through `cutter.fn_record_verify` (migration 10): the database computes the change set's count and
 * digest ({@link changeSetDigest}'s way), compares them with the expectation, and records the result itself.
 */
export async function recordVerification(session: DbSession, runId: string, changeSetId: string, expected: { count: number; digest: string }): Promise<{ ok: boolean; count: number; digest: string }> {
  const { rows } = await session.query<{ ok: boolean; actual_count: number; actual_digest: string }>(
    'SELECT ok, actual_count, actual_digest FROM cutter.fn_record_verify($1, $2, $3, $4)',
    [runId, changeSetId, expected.count, expected.digest],
  );
  const row = rows[0];
  return { ok: row?.ok === true, count: row?.actual_count ?? 0, digest: row?.actual_digest ?? '' };
}
