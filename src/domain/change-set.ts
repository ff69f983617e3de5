import { createHash } from 'node:crypto';
import { InvalidInput } from '../errors/index.js';
import { sha256Hex } from './hashing.js';
import type { Cutplan } from './cutplan.js';
import type { IURow } from './iu.js';

/**
 * The pinned cutplan. `planHash` covers exactly what will be written (address, title, body of every row, in address
 * order, and each row's action where the plan was classified against the target), so neither row order nor JSON
 * formatting changes it and any content or action change does. Approvals bind to it.
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
  /** For a revert run: the change set it reverts. Absent otherwise (and in runs pinned before reverts existed). */
  readonly reverts?: string;
}

/** Code-unit order of addresses, as the plan hash and the content digest sort rows. */
const byAddress = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The canonical form of rows that `planHash` is computed over (with each row's action, where it has one). */
export function canonicalRows(rows: readonly IURow[]): { action?: string; address: string; body: string; title: string }[] {
  return [...rows]
    .sort((a, b) => byAddress(a.address, b.address))
    .map(({ address, title, body, action }) => (action === undefined ? { address, body, title } : { action, address, body, title }));
}

const planHashes = new WeakMap<Cutplan, string>();

/**
 * sha256 over the canonical JSON of the canonical rows. Hashed a row at a time (the JCS form of an array is `[`, its
 * elements' JCS joined by `,`, then `]`: the same bytes), so a 100k-row plan never becomes one 100 MB string. A frozen
 * plan (as validateCutplan returns) is hashed once: a run asks for its hash several times.
 */
export function planHashOf(plan: Cutplan): string {
  assertPlan(plan);
  const cached = planHashes.get(plan);
  if (cached !== undefined) return cached;
  const rows = planRowsInHashOrder(plan);
  let next = rows.next();
  while (next.done !== true) next = rows.next();
  return next.value;
}

/**
 * Yields the plan's rows in the hash's (address) order, each with its index in the plan, hashing each as it goes, and
 * returns {@link planHashOf} when exhausted (caching it for a frozen plan, as planHashOf does). One pass for a caller
 * that also writes every row somewhere: the LIVE adapter hashes the plan as it streams it into the target.
 */
export function* planRowsInHashOrder(plan: Cutplan): Generator<{ readonly row: IURow; readonly ord: number }, string> {
  const order = plan.rows.map((_, i) => i).sort((a, b) => byAddress(plan.rows[a]?.address ?? '', plan.rows[b]?.address ?? ''));
  const hash = new PlanHasher(plan.reverts);
  for (const ord of order) {
    const row = plan.rows[ord] as IURow;
    hash.add(row);
    yield { row, ord };
  }
  const digest = hash.digest();
  if (Object.isFrozen(plan) && Object.isFrozen(plan.rows) && plan.rows.every((r) => Object.isFrozen(r))) planHashes.set(plan, digest);
  return digest;
}

/**
 * The plan hash computed a row at a time, the rows given in address (code-unit) order: for {@link planHashOf}, and
 * for a planner that reads a plan's rows back from the database in that order and never holds them all.
 */
export class PlanHasher {
  // A revert's plan hashes as `{"reverts":…,"rows":[…]}`, any other as its rows alone (`[…]`), as it always has.
  readonly #hash;
  readonly #reverts: string | undefined;
  #rows = 0;

  constructor(reverts?: string) {
    this.#reverts = reverts;
    this.#hash = createHash('sha256').update(reverts === undefined ? '[' : `{"reverts":${JSON.stringify(reverts)},"rows":[`);
  }

  /** The next row in address order. */
  add(row: { readonly action?: string | undefined; readonly address: string; readonly body: string; readonly title: string }): void {
    // A canonical row has only string values and its keys already in sorted order, so JSON.stringify writes exactly
    // its JCS form (JCS serialises strings as ECMAScript does), at twice the speed of a general canonicaliser. A row
    // classified against the target hashes its action too, so an approval approves exactly what the run does there.
    const json = row.action === undefined
      ? JSON.stringify({ address: row.address, body: row.body, title: row.title })
      : JSON.stringify({ action: row.action, address: row.address, body: row.body, title: row.title });
    this.#hash.update(this.#rows === 0 ? json : `,${json}`, 'utf8');
    this.#rows += 1;
  }

  /** The plan hash of the rows added. */
  digest(): string {
    return this.#hash.update(this.#reverts === undefined ? ']' : ']}').digest('hex');
  }
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
  return changeSetOf(planHashOf(plan), plan.rows.length, runId, target, plan.reverts);
}

/** The change set of a plan whose hash is already known (the LIVE adapter computes it while pinning the plan). */
export function changeSetOf(planHash: string, rowCount: number, runId: string, target: { fingerprint: string; at: string } | null, reverts?: string): ChangeSet {
  return Object.freeze({
    changeSetId: `cs-${sha256Hex(`${planHash}:${runId}`).slice(0, 16)}`,
    planHash,
    rowCount,
    targetFingerprint: target?.fingerprint ?? null,
    targetFingerprintAt: target?.at ?? null,
    ...(reverts === undefined ? {} : { reverts }),
  });
}

const contentDigests = new WeakMap<readonly object[], string>();

/**
 * A digest of the rows' content hashes in address order, which verification recomputes from the target. Computed
 * once for a frozen array of frozen rows (a validated plan's rows): the cut and verification both ask for it.
 */
export function contentDigestOf(rows: readonly { address: string; contentHash: string }[]): string {
  const cached = contentDigests.get(rows);
  if (cached !== undefined) return cached;
  const ordered = [...rows].sort((a, b) => byAddress(a.address, b.address));
  const digest = sha256Hex(ordered.map((r) => `${r.address}\t${r.contentHash}\n`).join(''));
  if (Object.isFrozen(rows) && rows.every((r) => Object.isFrozen(r))) contentDigests.set(rows, digest);
  return digest;
}

/** Callers may not be TypeScript: `null` or a bare array gets a named error, not a TypeError deep inside hashing. */
function assertPlan(plan: unknown): asserts plan is Cutplan {
  if (typeof plan !== 'object' || plan === null || !Array.isArray((plan as { rows?: unknown }).rows)) {
    throw new InvalidInput('plan', 'must be a cutplan ({ rows }) from validateCutplan or a planning function');
  }
}
