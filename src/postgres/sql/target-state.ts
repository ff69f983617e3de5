import type { IURow } from '../../domain/iu.js';
import type { DbSession } from '../port.js';

/**
 * The rows of a plan whose content differs from what the target holds now (no version yet, or a latest version with
 * other content), so a re-run of an unchanged plan can say "nothing changed" instead of failing at the cut.
 */
export async function changedRows(session: DbSession, rows: readonly IURow[]): Promise<IURow[]> {
  const { rows: latest } = await session.query<{ address: string; content_hash: string; status: string }>(
    `SELECT DISTINCT ON (address) address, content_hash, status FROM cutter.iu_versions
      WHERE address = ANY ($1::text[]) AND status IN ('draft', 'enacted') ORDER BY address, version DESC`,
    [rows.map((r) => r.address)],
  );
  const current = new Map(latest.map((r) => [r.address, r.content_hash]));
  return rows.filter((row) => current.get(row.address) !== row.contentHash);
}
