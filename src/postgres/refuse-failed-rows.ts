import { StopInvariantFailed } from '../errors/index.js';

/** How many failed rows an error names in full; the count covers the rest. */
const NAMED = 20;

/**
 * Throws {@link StopInvariantFailed} if any row's status is not `ok`, naming the failed rows (the first in
 * `address`/`status`, up to 20 in the message) so one look at the error says which rows stopped the phase. Thrown
 * inside the phase's transaction, it rolls the whole phase back.
 */
export function refuseFailedRows(phase: string, rows: readonly { address: string; status: string }[], ok: string, consequence: string): void {
  const failed = rows.filter((row) => row.status !== ok);
  const first = failed[0];
  if (first === undefined) return;
  const named = failed.slice(0, NAMED).map((r) => `${r.address} (${r.status})`).join(', ');
  const more = failed.length > NAMED ? ` and ${failed.length - NAMED} more` : '';
  throw new StopInvariantFailed(phase, { address: first.address, status: first.status, reason: `${failed.length} row(s) not ${ok}: ${named}${more}; ${consequence}` });
}
