import { RunBusy } from '../../runs/errors.js';
import { sqlStateOf } from '../errors.js';
import type { DbSession } from '../port.js';

/** The SQLSTATE `cutter.fn_assert_run_hold` raises when the run is not held by the token (migration 8). */
const NOT_HELD = 'CR001';

/**
 * In a phase's transaction: the run is held by `token`, and stays so until the transaction ends (the function locks
 * the hold FOR SHARE). Otherwise {@link RunBusy}, naming who holds it, and the phase rolls back.
 */
export async function assertRunHold(session: DbSession, runId: string, token: string): Promise<void> {
  try {
    await session.query('SELECT cutter.fn_assert_run_hold($1, $2)', [runId, token]);
  } catch (error) {
    if (sqlStateOf(error) === NOT_HELD) throw new RunBusy(runId, null, (error as Error).message);
    throw error;
  }
}
