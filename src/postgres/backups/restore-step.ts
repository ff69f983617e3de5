import { CutterError, RestoreFailed, type RestoreStep } from '../../errors/index.js';
import { isConnectionFailure, sqlStateOf } from '../errors.js';
import { unreachableReasonOf } from '../target-unreachable.js';

/**
 * Runs one step of a restore. A Cutter error passes through, and so does a failure to connect (the CLI names it
 * `E_TARGET_UNAVAILABLE` with its own fix); anything else a database or pg_restore threw becomes {@link RestoreFailed}
 * naming the step, so the operator gets the step's remedy rather than "unexpected".
 */
export async function restoreStep<T>(step: RestoreStep, at: { backupId: string; destination: string }, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof CutterError || unreachableReasonOf(error) !== undefined || isConnectionFailure(error)) throw error;
    throw new RestoreFailed(at.backupId, step, at.destination, error, sqlStateOf(error));
  }
}
