import { hostname } from 'node:os';
import { CutterError, ErrorCode } from '../../errors/index.js';
import type { DbSession } from '../port.js';

/** Another LIVE run holds the target. */
export class TargetBusy extends CutterError {
  readonly code = ErrorCode.TargetBusy;
  readonly hint = 'One LIVE run drives a target at a time. Wait for the other run to park or end (or its lease to expire), then resume.';
  readonly holderRunId: string;

  constructor(phase: string, holderRunId: string, holder: string, expiresAt: string) {
    super(`the target is held by run ${holderRunId} (${holder}) until ${expiresAt}`, { phase });
    this.holderRunId = holderRunId;
  }
}

/** Who this process is, for the lock's holder column: host and pid, never a credential. */
export const LOCK_HOLDER = `${hostname()}:${process.pid}`;

/** Takes or renews the target lease for `runId` in the caller's transaction; throws {@link TargetBusy} if held. */
export async function acquireTarget(session: DbSession, runId: string, phase: string, ttlSeconds: number): Promise<void> {
  const { rows } = await session.query<{ run_id: string; holder: string; expires_at: Date | string }>(
    'SELECT run_id, holder, expires_at FROM cutter.fn_acquire_target($1, $2, $3)',
    [runId, LOCK_HOLDER, ttlSeconds],
  );
  const held = rows[0];
  if (held !== undefined && held.run_id !== runId) {
    throw new TargetBusy(phase, held.run_id, held.holder, new Date(held.expires_at).toISOString());
  }
}

/**
 * Gives the lease back if `runId` holds it. Where a process holds the run, only with that process's hold token
 * (migration 10): another process, or a phase role naming someone else's run, cannot release it.
 */
export async function releaseTarget(session: DbSession, runId: string, holdToken?: string): Promise<boolean> {
  const { rows } = await session.query<{ released: boolean }>('SELECT cutter.fn_release_target_held($1, $2) AS released', [runId, holdToken ?? null]);
  return rows[0]?.released === true;
}
