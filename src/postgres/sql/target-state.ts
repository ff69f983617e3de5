import type { DbSession } from '../port.js';

/**
 * The addresses a fingerprint covers: given by the caller, or those of the plan pinned in the target for a run (read
 * server-side, so a 100k-row plan's addresses do not cross the wire again).
 */
export type AddressSet = readonly string[] | { readonly pinnedRunId: string };

/** The SQL condition on `address` for `set`, its parameter at position `n`, and that parameter. */
function addressFilter(set: AddressSet, n: number): { sql: string; param: unknown } {
  if ('pinnedRunId' in set) return { sql: `address IN (SELECT address FROM cutter.pinned_plan_rows WHERE run_id = $${n})`, param: set.pinnedRunId };
  return { sql: `address = ANY ($${n}::text[])`, param: [...set] };
}

/**
 * A fingerprint of the given addresses in the target: every version, status and content hash, in a fixed order,
 * hashed; with the target's clock at the time. Equal fingerprints mean nothing about these addresses changed.
 */
export async function targetFingerprint(session: DbSession, addresses: AddressSet): Promise<{ fingerprint: string; at: string }> {
  const filter = addressFilter(addresses, 1);
  const { rows } = await session.query<{ fingerprint: string; at: Date | string }>(
    `SELECT encode(sha256(convert_to(coalesce(string_agg(
              address || E'\\t' || version || E'\\t' || status || E'\\t' || content_hash, E'\\n' ORDER BY address COLLATE "C", version), ''), 'UTF8')), 'hex') AS fingerprint,
            clock_timestamp() AS at
       FROM cutter.iu_versions WHERE ${filter.sql}`,
    [filter.param],
  );
  return { fingerprint: rows[0]?.fingerprint ?? '', at: new Date(rows[0]?.at ?? 0).toISOString() };
}

/**
 * The addresses among `addresses` with a version created or changed since `since` (the fingerprint's time). Inclusive:
 * `since` has millisecond precision, and PGlite's clock only ticks in milliseconds, so a write in the same millisecond
 * as the fingerprint must still be named. The refusal itself rests on the fingerprint; this only names the rows.
 */
export async function addressesChangedSince(session: DbSession, addresses: AddressSet, since: string): Promise<string[]> {
  const filter = addressFilter(addresses, 1);
  const { rows } = await session.query<{ address: string }>(
    `SELECT DISTINCT address FROM cutter.iu_versions WHERE ${filter.sql} AND greatest(created_at, updated_at) >= $2 ORDER BY address`,
    [filter.param, since],
  );
  return rows.map((r) => r.address);
}
