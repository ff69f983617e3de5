import { createHash } from 'node:crypto';
import { sha256Hex } from './hashing.js';
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
   * Fingerprint of the plan's addresses in the target as they were when planned (every version, status and content
   * hash), or null when the plan was pinned without reading the target. The cut refuses if it no longer matches.
   */
  readonly targetFingerprint: string | null;
  /** When the fingerprint was taken (the target's clock), so a stale cut can name what changed since. */
  readonly targetFingerprintAt: string | null;
}

/** The canonical form of rows that `planHash` is computed over. */
export function canonicalRows(rows: readonly IURow[]): { address: string; body: string; title: string }[] {
  return [...rows]
    .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0))
    .map(({ address, title, body }) => ({ address, body, title }));
}

const planHashes = new WeakMap<Cutplan, string>();

/**
 * sha256 over the canonical JSON of the canonical rows. Hashed a row at a time (the JCS form of an array is `[`, its
 * elements' JCS joined by `,`, then `]`: the same bytes), so a 100k-row plan never becomes one 100 MB string. A frozen
 * plan (as validateCutplan returns) is hashed once: a run asks for its hash several times.
 */
export function planHashOf(plan: Cutplan): string {
  const cached = planHashes.get(plan);
  if (cached !== undefined) return cached;
  const hash = createHash('sha256').update('[');
  // A canonical row has only string values and its keys already in sorted order, so JSON.stringify writes exactly its
  // JCS form (JCS serialises strings as ECMAScript does), at twice the speed of a general canonicaliser.
  canonicalRows(plan.rows).forEach((row, i) => hash.update(i === 0 ? JSON.stringify(row) : `,${JSON.stringify(row)}`, 'utf8'));
  const digest = hash.update(']').digest('hex');
  if (Object.isFrozen(plan) && Object.isFrozen(plan.rows) && plan.rows.every((r) => Object.isFrozen(r))) planHashes.set(plan, digest);
  return digest;
}

/**
 * Pins a cutplan as the change set of one run. The id is derived from the plan hash and the run id: the same content
 * carried by two runs makes two change sets (each compensable on its own), while the plan hash shows they are equal.
 */
export function pinChangeSet(
  plan: Cutplan,
  runId: string,
  target: { fingerprint: string; at: string } | null = null,
): ChangeSet {
  const planHash = planHashOf(plan);
  return Object.freeze({
    changeSetId: `cs-${sha256Hex(`${planHash}:${runId}`).slice(0, 16)}`,
    planHash,
    rowCount: plan.rows.length,
    targetFingerprint: target?.fingerprint ?? null,
    targetFingerprintAt: target?.at ?? null,
  });
}

/** A digest of the rows' content hashes in address order, which verification recomputes from the target. */
export function contentDigestOf(rows: readonly { address: string; contentHash: string }[]): string {
  const ordered = [...rows].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  return sha256Hex(ordered.map((r) => `${r.address}\t${r.contentHash}\n`).join(''));
}
