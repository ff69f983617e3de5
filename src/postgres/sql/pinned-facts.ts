import { PlanHasher } from '../../domain/change-set.js';
import { validateRow } from '../../domain/cutplan.js';
import { PinnedDigests, type PinnedPlanFacts } from '../../domain/pinned-plan-facts.js';
import { PlanInvalid, type PlanIssue } from '../../errors/index.js';
import type { DbSession } from '../port.js';
import { cursorRows } from './cursor.js';

/** The most plan issues a restore collects before it stops reading a pin that is not a valid plan. */
const MAX_ISSUES = 100;

/** Runs work in a transaction of its own (read-only for what it is used for here), on some session of the target. */
export type InTargetTransaction = <T>(work: (session: DbSession) => Promise<T>) => Promise<T>;

/** {@link PinnedPlanFacts.anyAddress} for `runId`'s pin, read through a cursor in a transaction of its own. */
export function anyPinnedAddress(transaction: InTargetTransaction, runId: string): PinnedPlanFacts['anyAddress'] {
  return (matches) => transaction(async (session) => {
    for await (const r of cursorRows<{ address: string }>(session, 'SELECT address FROM cutter.pinned_plan_rows WHERE run_id = $1', [runId], 10_000)) {
      if (matches(r.address)) return true;
    }
    return false;
  });
}

/**
 * The facts of the plan pinned for `runId`, read back from the pin itself in one pass through a cursor (never held):
 * every row validated as a plan's row is (so a title or body edited since planning is hashed as it now is), the plan
 * hash recomputed from the rows, and the digests built from the recomputed content hashes. Null if nothing is pinned.
 * A pin that is not a valid plan (a row planning would refuse, an address twice) throws {@link PlanInvalid}.
 */
export async function readPinnedFacts(session: DbSession, transaction: InTargetTransaction, runId: string): Promise<PinnedPlanFacts | null> {
  const { rows: [pin] } = await session.query<{ reverts: string | null }>('SELECT reverts FROM cutter.pinned_plans WHERE run_id = $1', [runId]);
  if (pin === undefined) return null;
  const reverts = pin.reverts ?? undefined;
  const hash = new PlanHasher(reverts);
  const digests = new PinnedDigests();
  const issues: PlanIssue[] = [];
  let index = 0;
  let last: string | undefined;
  for await (const raw of cursorRows<{ address: string; title: string; body: string; source: string | null; action: string | null }>(
    session, 'SELECT address, title, body, source, action FROM cutter.pinned_plan_rows WHERE run_id = $1 ORDER BY address COLLATE "C"', [runId],
  )) {
    const { source, action, ...rest } = raw;
    const checked = validateRow({ ...rest, ...(source === null ? {} : { source }), ...(action === null ? {} : { action }) }, index);
    if (raw.address === last) issues.push({ row: index, field: 'address', message: `duplicates another pinned row (${raw.address})` });
    last = raw.address;
    issues.push(...checked.issues);
    if (issues.length >= MAX_ISSUES) break;
    if (checked.row !== undefined && issues.length === 0) {
      hash.add(checked.row);
      digests.add({ address: checked.row.address, contentHash: checked.row.contentHash, action: checked.row.action ?? null });
    }
    index += 1;
  }
  if (issues.length > 0) throw new PlanInvalid(issues);
  if (index === 0) return null;
  const counts = digests.digest();
  if (digests.classifiedRows > 0 && digests.classifiedRows !== index) throw new PlanInvalid([{ row: undefined, field: 'action', message: 'some pinned rows carry an action and others do not' }]);
  return { runId, planHash: hash.digest(), ...counts, ...(reverts === undefined ? {} : { reverts }), anyAddress: anyPinnedAddress(transaction, runId) };
}

