import type { DbSession } from '../port.js';

export interface RevertAction {
  readonly action: 'retire-draft' | 'retire-enacted' | 're-enact' | 'restore';
  readonly address: string;
  readonly version: number;
}

/** Reverts a change set (migration 2's fn_revert_change_set): every move checked and logged by the triggers. */
export async function revertChangeSet(session: DbSession, changeSetId: string): Promise<RevertAction[]> {
  const { rows } = await session.query<{ action: RevertAction['action']; address: string; version: number }>(
    'SELECT action, address, version FROM cutter.fn_revert_change_set($1)',
    [changeSetId],
  );
  return rows.map((r) => ({ action: r.action, address: r.address, version: r.version }));
}

/**
 * What reverting a change set would do, exactly: the revert runs inside a transaction that always rolls back, so
 * the triggers and constraints are exercised and nothing is kept. Needs an administrator's (or cutter_exec) session.
 */
export async function previewRevert(session: DbSession, changeSetId: string): Promise<RevertAction[]> {
  await session.query('BEGIN');
  try {
    return await revertChangeSet(session, changeSetId);
  } finally {
    await session.query('ROLLBACK');
  }
}
