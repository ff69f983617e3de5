import { PhaseRecordForged } from '../../errors/index.js';
import { DbRole, type DbSession } from '../port.js';

/** The recorded result of a phase that already committed for this run, or undefined. */
export async function findPhaseRecord<T>(session: DbSession, runId: string, phase: string): Promise<T | undefined> {
  const { rows } = await session.query<{ result: T }>('SELECT result FROM cutter.phase_records WHERE run_id = $1 AND phase = $2', [runId, phase]);
  return rows[0]?.result;
}

/**
 * A recorded phase is trusted on replay only if it agrees with what it stands for (migration 10's
 * `fn_phase_record_disagreement`: the backup row and its checksum, the change set's rows, the ledger entry, the
 * verification, the lifecycle log). Otherwise {@link PhaseRecordForged}: the run stops rather than skip the phase.
 */
export async function assertPhaseRecordAgrees(session: DbSession, runId: string, phase: string, changeSetId: string, recorded: unknown): Promise<void> {
  const { rows } = await session.query<{ problem: string | null }>(
    'SELECT cutter.fn_phase_record_disagreement($1, $2, $3, $4::jsonb) AS problem',
    [runId, phase, changeSetId, JSON.stringify(recorded)],
  );
  const problem = rows[0]?.problem ?? null;
  if (problem !== null) throw new PhaseRecordForged(phase, runId, problem);
}

/** The function each role records its phases through (migration 10); neither role may INSERT a record itself. */
const RECORD_FUNCTION: Readonly<Record<DbRole, string>> = {
  [DbRole.Exec]: 'cutter.fn_record_exec_phase',
  [DbRole.Verify]: 'cutter.fn_record_verify_phase',
};

/**
 * Records a phase's result in the phase's own transaction, through the role's recording function, which refuses a
 * record that does not agree with the database. If another process committed the same phase meanwhile, the primary
 * key fails and this transaction rolls back, so the work is never kept twice.
 */
export async function recordPhase(session: DbSession, role: DbRole, runId: string, phase: string, changeSetId: string, result: unknown): Promise<void> {
  await session.query(`SELECT ${RECORD_FUNCTION[role]}($1, $2, $3, $4::jsonb)`, [runId, phase, changeSetId, JSON.stringify(result)]);
}
