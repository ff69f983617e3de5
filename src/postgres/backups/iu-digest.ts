import type { DbSession } from '../port.js';

/**
 * Count, bytes and a checksum over IU rows in id order. One expression for the live table, a snapshot of it, and a
 * restored copy, so a backup and its restore are compared by the same digest.
 */
const digestOf = (from: string) => /* sql */ `
  SELECT count(*) AS row_count,
         coalesce(sum(octet_length(title) + octet_length(body)), 0) AS bytes,
         encode(sha256(convert_to(coalesce(string_agg(
           concat_ws(E'\\t', id, address, version, content_hash, status, change_set_id, coalesce(review_decision_id, ''), coalesce(superseded_by, '')),
           E'\\n' ORDER BY id), ''), 'UTF8')), 'hex') AS sha256
  FROM ${from}`;

/** What {@link iuDigest} returns: rows, the bytes of their titles and bodies, and the checksum over them. */
export interface IUDigest {
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
}

/** The digest of `cutter.iu_versions` (the default), or of the rows of another relation and condition. */
export async function iuDigest(session: DbSession, from = 'cutter.iu_versions', params: unknown[] = []): Promise<IUDigest> {
  const { rows } = await session.query<{ row_count: string; bytes: string; sha256: string }>(digestOf(from), params);
  const row = rows[0];
  return { rows: Number(row?.row_count ?? 0), bytes: Number(row?.bytes ?? 0), sha256: row?.sha256 ?? '' };
}
