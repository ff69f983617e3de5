import { KillSwitchLock, ProductionExecutionNotAuthorized } from '../../errors/index.js';
import type { DbSession } from '../port.js';

/**
 * The fourth lock: reads the kill-switch row inside the phase's own transaction (FOR SHARE, through a definer
 * function). Missing, unreadable or OFF refuses; the caller's transaction then rolls back.
 */
export async function assertDatabaseKillSwitchOn(session: DbSession, phase: string): Promise<void> {
  let enabled: boolean | null = null;
  try {
    const { rows } = await session.query<{ enabled: boolean | null }>('SELECT cutter.fn_kill_switch_enabled() AS enabled');
    enabled = rows[0]?.enabled ?? null;
  } catch (error) {
    throw new ProductionExecutionNotAuthorized(phase, KillSwitchLock.Database, error);
  }
  if (enabled !== true) throw new ProductionExecutionNotAuthorized(phase, KillSwitchLock.Database);
}

/** Sets the database kill switch (an administrator's act; `cutter kill-switch on|off`). */
export async function setDatabaseKillSwitch(session: DbSession, enabled: boolean, changedBy: string, reason: string): Promise<void> {
  await session.query(
    'UPDATE cutter.kill_switch SET enabled = $1, changed_by = $2, reason = $3, changed_at = now() WHERE singleton',
    [enabled, changedBy, reason],
  );
}
