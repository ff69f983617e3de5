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

export async function insertVerifyResult(
  session: DbSession,
  runId: string,
  result: { changeSetId: string; ok: boolean; expectedCount: number; actualCount: number; expectedDigest: string; actualDigest: string },
): Promise<void> {
  await session.query(
    `INSERT INTO cutter.verify_results (run_id, change_set_id, ok, expected_count, actual_count, expected_digest, actual_digest)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [runId, result.changeSetId, result.ok, result.expectedCount, result.actualCount, result.expectedDigest, result.actualDigest],
  );
}
