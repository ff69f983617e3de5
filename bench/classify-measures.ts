/**
 * Planning's classification at scale (issue 17) and its two floors, against a target that already holds the N
 * addresses enacted (after a LIVE run): the classification of the edited rows (every 100th body changed) streamed from
 * a generator; (a) a COPY of only the changed rows (N/100) into cutter.iu_versions; (b) a sequential read of the N
 * addresses through a cursor. The target is: classification ≤ (a) + (b). Every function returns milliseconds.
 */
import { inRolledBackTransaction } from '../src/postgres/transaction.js';
import { DbRole } from '../src/postgres/port.js';
import { cursorRows } from '../src/postgres/sql/cursor.js';
import { stagePlan } from '../src/postgres/sql/streamed-plan.js';
import { copyFloor } from './measures.js';
import { benchSources, changedBenchRows } from './rows.js';
import type { ScratchTarget } from './scratch.js';

/** One body in this many is edited: 1% of the rows change. */
export const CHANGED_EVERY = 100;
/** Rows per FETCH of the read floor: few round trips, one small batch held at a time. */
const READ_BATCH = 10_000;

/** `work` in a transaction of a `role` session that is always rolled back (read-only work, or staging to throw away). */
const timed = async (work: () => Promise<void>): Promise<number> => {
  const start = performance.now();
  await work();
  return performance.now() - start;
};

/**
 * Vacuums and analyzes the held versions, untimed, before the classification and its floors: the LIVE run's enactment
 * left a dead tuple per row, which autovacuum would otherwise clear (or not) in the middle of a measurement.
 */
export async function settleHeld(target: ScratchTarget): Promise<void> {
  await target.admin((s) => s.exec('VACUUM ANALYZE cutter.iu_versions'));
}

/**
 * Planning's streamed classification (stagePlan, as `cutter plan` and pinSourceRows run it: rows validated, hashed and
 * their keys COPYed into a stage, classified server-side, the sources read again for the change set's rows alone, its
 * plan hash read back through a cursor), as cutter_verify, rolled back. Throws unless exactly N/100 rows are found changed and the rest unchanged.
 */
export async function classifyStreamed(target: ScratchTarget, n: number): Promise<number> {
  let counts = { new: -1, changed: -1, retire: -1, unchanged: -1 };
  const ms = await timed(() => inRolledBackTransaction(target.provider, DbRole.Verify, async (session) => {
    counts = { ...(await stagePlan(session, benchSources(n, CHANGED_EVERY), [])).counts };
  }));
  const changed = Math.ceil(n / CHANGED_EVERY);
  if (counts.changed !== changed || counts.unchanged !== n - changed || counts.new !== 0 || counts.retire !== 0) {
    throw new Error(`streamed classification of ${n} rows found ${JSON.stringify(counts)}, expected ${changed} changed and the rest unchanged`);
  }
  return ms;
}

/** Floor (a): COPY of the N/100 changed rows, as the next versions (2), into cutter.iu_versions, committed. Last: it leaves drafts. */
export function copyChangedFloor(target: ScratchTarget, n: number): Promise<number> {
  return copyFloor(target, changedBenchRows(n, CHANGED_EVERY), 2, 'cs-floor-changed');
}

/** Floor (b): `SELECT address FROM cutter.iu_versions` through a cursor, as cutter_verify; throws unless it reads N. */
export async function readAddressesFloor(target: ScratchTarget, n: number): Promise<number> {
  let read = 0;
  const ms = await timed(() => inRolledBackTransaction(target.provider, DbRole.Verify, async (session) => {
    for await (const _row of cursorRows<{ address: string }>(session, 'SELECT address FROM cutter.iu_versions', [], READ_BATCH)) read += 1;
  }));
  if (read !== n) throw new Error(`the read floor read ${read} addresses, expected ${n}`);
  return ms;
}
