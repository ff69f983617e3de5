import { hashCanonical, sha256Hex } from './hashing.js';
import type { Cutplan } from './cutplan.js';
import type { IURow } from './iu.js';

/**
 * The pinned cutplan. `planHash` covers exactly what will be written (address, title, body of every row, in address
 * order), so neither row order nor JSON formatting changes it and any content change does. Approvals bind to it.
 */
export interface ChangeSet {
  readonly changeSetId: string;
  readonly planHash: string;
  readonly rowCount: number;
  /**
   * Fingerprint of the target addresses as they were when planned (sha256 over their current content hashes), or
   * null when the plan was pinned without reading the target.
   */
  readonly targetFingerprint: string | null;
}

/** The canonical form of rows that `planHash` is computed over. */
export function canonicalRows(rows: readonly IURow[]): { address: string; body: string; title: string }[] {
  return [...rows]
    .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0))
    .map(({ address, title, body }) => ({ address, body, title }));
}

/** sha256 over the canonical rows. */
export function planHashOf(plan: Cutplan): string {
  return hashCanonical(canonicalRows(plan.rows));
}

/**
 * Pins a cutplan as a change set. The id is derived from the plan hash, so pinning the same content twice names the
 * same change set (a re-run is recognisable as such).
 */
export function pinChangeSet(plan: Cutplan, targetFingerprint: string | null = null): ChangeSet {
  const planHash = planHashOf(plan);
  return Object.freeze({
    changeSetId: `cs-${planHash.slice(0, 16)}`,
    planHash,
    rowCount: plan.rows.length,
    targetFingerprint,
  });
}

/** A digest of the rows' content hashes in address order, which verification recomputes from the target. */
export function contentDigestOf(rows: readonly { address: string; contentHash: string }[]): string {
  const ordered = [...rows].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  return sha256Hex(ordered.map((r) => `${r.address}\t${r.contentHash}\n`).join(''));
}
