import type { DbSession } from '../port.js';

/** The recorded result of a phase that already committed for this run, or undefined. */
export async function findPhaseRecord<T>(session: DbSession, runId: string, phase: string): Promise<T | undefined> {
  const { rows } = await session.query<{ result: T }>('SELECT result FROM cutter.phase_records WHERE run_id = $1 AND phase = $2', [runId, phase]);
  return rows[0]?.result;
}

/**
 * Records a phase's result in the phase's own transaction. A plain INSERT: if another process committed the same
 * phase meanwhile, the primary key fails and this transaction rolls back, so the work is never kept twice.
 */
export async function recordPhase(session: DbSession, runId: string, phase: string, changeSetId: string, result: unknown): Promise<void> {
  await session.query(
    'INSERT INTO cutter.phase_records (run_id, phase, change_set_id, result) VALUES ($1, $2, $3, $4::jsonb)',
    [runId, phase, changeSetId, JSON.stringify(result)],
  );
}
