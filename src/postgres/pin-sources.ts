import type { PinnedPlanFacts } from '../domain/pinned-plan-facts.js';
import { StopInvariantFailed } from '../errors/index.js';
import { assertSchemaVersion } from './errors.js';
import { LATEST_SCHEMA_VERSION, schemaVersionOf } from './migrations/index.js';
import { DbRole, type ConnectionProvider } from './port.js';
import { anyPinnedAddress } from './sql/pinned-facts.js';
import { pinStaged, stagePlan, type StagedPlan, type StreamedSourceRow } from './sql/streamed-plan.js';
import { targetFingerprint } from './sql/target-state.js';
import { inTransaction } from './transaction.js';

export interface PinSourcesOptions {
  /** `--retire-missing` within these address prefixes, or (null) within the sources' documents; [] retires nothing. */
  readonly retireWithin: readonly string[] | null;
}

/**
 * Planning of a LIVE run that never holds its plan: the sources are read, validated and staged a row at a time,
 * classified against the target and hashed server-side (as `cutter plan` does, see stagePlan), and the change set is
 * pinned for `runId` from the stage, in one transaction as cutter_exec, with the target's fingerprint. The run is then
 * created with the returned facts (createDurableRun's `pinnedPlan`), and its planning phase finds this pin. `facts` is
 * null, and nothing is pinned, when the target already holds the sources.
 *
 * @throws {PlanInvalid} {@link PlanConflict} as stagePlan refuses; {@link TargetNotReady} for a target whose Cutter
 *   schema is missing or older than this release's.
 */
export function pinSourceRows(
  provider: ConnectionProvider,
  runId: string,
  sources: AsyncIterable<StreamedSourceRow>,
  options: PinSourcesOptions,
): Promise<{ staged: StagedPlan; facts: PinnedPlanFacts | null }> {
  return inTransaction(provider, DbRole.Exec, undefined, async (session) => {
    // What precheck would refuse later (no schema, an older one) is refused before a row is read.
    assertSchemaVersion(await schemaVersionOf(session).catch(() => 0), LATEST_SCHEMA_VERSION);
    const staged = await stagePlan(session, sources, options.retireWithin);
    if (staged.planHash === null || staged.digests === null) return { staged, facts: null };
    const pinned = await pinStaged(session, runId);
    if (pinned !== staged.rowCount) throw new StopInvariantFailed('planning', { reason: `${pinned} rows pinned for a change set of ${staged.rowCount}` });
    const target = await targetFingerprint(session, { pinnedRunId: runId });
    await session.query(
      'INSERT INTO cutter.pinned_plans (run_id, plan_hash, row_count, target_fingerprint, fingerprint_at, reverts) VALUES ($1, $2, $3, $4, $5, NULL)',
      [runId, staged.planHash, staged.rowCount, target.fingerprint, target.at],
    );
    const anyAddress = anyPinnedAddress((work) => inTransaction(provider, DbRole.Verify, undefined, work, { readOnly: true }), runId);
    return { staged, facts: { runId, planHash: staged.planHash, ...staged.digests, anyAddress } };
  });
}
