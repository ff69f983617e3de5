import type { PinnedPlanFacts } from '../domain/pinned-plan-facts.js';
import { InvalidInput } from '../errors/index.js';
import { assertSchemaVersion } from './errors.js';
import { LATEST_SCHEMA_VERSION, schemaVersionOf } from './migrations/index.js';
import { DbRole, type ConnectionProvider } from './port.js';
import { anyPinnedAddress } from './sql/pinned-facts.js';
import { stagePlan, type ChangeSetSink, type StagedPlan, type StreamedSources } from './sql/streamed-plan.js';
import { targetFingerprint } from './sql/target-state.js';
import { inTransaction } from './transaction.js';

export interface PinSourcesOptions {
  /** `--retire-missing` within these address prefixes, or (null) within the sources' documents; [] retires nothing. */
  readonly retireWithin: readonly string[] | null;
}

/** The run's pin as the sink of planning's change set: its rows COPYed straight into cutter.pinned_plan_rows. */
function pinOf(runId: string): ChangeSetSink {
  return {
    table: {
      name: 'cutter.pinned_plan_rows',
      columns: [['run_id', 'text'], ['ord', 'integer'], ['address', 'text'], ['title', 'text'], ['body', 'text'], ['source', 'text'], ['content_hash', 'text'], ['blank', 'boolean'], ['action', 'text']],
    },
    // Validation refused blank titles and bodies, so no pinned row is blank.
    fields: (r, ord) => [runId, ord, r.address, r.title, r.body, r.source, r.contentHash, 'f', r.action],
    where: 'run_id = $1',
    params: [runId],
  };
}

/**
 * Planning of a LIVE run that never holds its plan: the sources are read twice (`sources` opens them again each
 * time), as stagePlan does: every row validated and its key staged, classified against the target, then only the
 * change set's rows sent, straight into the pin for `runId` (cutter.pinned_plan_rows, numbered densely in the plan's
 * order: sources' order, then retirements), and the plan hash and digests computed from the pin read back. All in one
 * transaction as cutter_exec, with the target's fingerprint. The run is then created with the returned facts
 * (createDurableRun's `pinnedPlan`), and its planning phase finds this pin. `facts` is null, and nothing is pinned,
 * when the target already holds the sources.
 *
 * @throws {InvalidInput} if `sources` is not a function (the rows are read twice).
 * @throws {PlanInvalid} {@link PlanConflict} as stagePlan refuses; {@link TargetNotReady} for a target whose Cutter
 *   schema is missing or older than this release's.
 */
export async function pinSourceRows(
  provider: ConnectionProvider,
  runId: string,
  sources: StreamedSources,
  options: PinSourcesOptions,
): Promise<{ staged: StagedPlan; facts: PinnedPlanFacts | null }> {
  if (typeof sources !== 'function') throw new InvalidInput('sources', 'must be a function that opens the rows again each time it is called: planning reads them twice');
  return await inTransaction(provider, DbRole.Exec, undefined, async (session) => {
    // What precheck would refuse later (no schema, an older one) is refused before a row is read.
    assertSchemaVersion(await schemaVersionOf(session).catch(() => 0), LATEST_SCHEMA_VERSION);
    const staged = await stagePlan(session, sources, options.retireWithin, pinOf(runId));
    if (staged.planHash === null || staged.digests === null) return { staged, facts: null };
    const target = await targetFingerprint(session, { pinnedRunId: runId });
    await session.query(
      'INSERT INTO cutter.pinned_plans (run_id, plan_hash, row_count, target_fingerprint, fingerprint_at, reverts) VALUES ($1, $2, $3, $4, $5, NULL)',
      [runId, staged.planHash, staged.rowCount, target.fingerprint, target.at],
    );
    const anyAddress = anyPinnedAddress((work) => inTransaction(provider, DbRole.Verify, undefined, work, { readOnly: true }), runId);
    return { staged, facts: { runId, planHash: staged.planHash, ...staged.digests, anyAddress } };
  });
}
