import type { CutSummary } from '../../machines/run-types.js';
import { contentDigestOf } from '../domain/change-set.js';
import type { PinnedPlanFacts } from '../domain/pinned-plan-facts.js';
import { writesVersion, type IURow } from '../domain/iu.js';
import { freezeResult, type IUCreateResult } from '../domain/results.js';
import { PlanStale, StopInvariantFailed } from '../errors/index.js';
import type { ExecutionContext } from '../executors/executor.js';
import type { DbSession } from './port.js';
import { refuseFailedRows } from './refuse-failed-rows.js';
import { createStaged, insertChangeSet, type CreatedRow } from './sql/iu-create.js';
import { createFromPin, findPin, insertFromPin, pinDifference, pinExceptions, type PinDifference } from './sql/pinned-plan.js';
import { addressesChangedSince, targetFingerprint, type AddressSet } from './sql/target-state.js';

/** In the cut's transaction: refuses if the plan's addresses changed since the change set was pinned, naming them. */
async function refuseStalePlan(session: DbSession, changeSet: ExecutionContext['changeSet'], addresses: AddressSet): Promise<void> {
  if (changeSet.targetFingerprint === null) return;
  const now = await targetFingerprint(session, addresses);
  if (now.fingerprint === changeSet.targetFingerprint) return;
  throw new PlanStale(await addressesChangedSince(session, addresses, changeSet.targetFingerprintAt ?? new Date(0).toISOString()));
}

/**
 * Rows whose action, as planning found it, no longer holds in the target: a `new` address now enacted, a `changed` one
 * no longer enacted or already holding this content, a `retire` whose enacted version is no longer the one retired.
 * `planned` is a query giving address, content_hash and action.
 */
const STALE_ACTIONS_SQL = (planned: string) => /* sql */ `
WITH planned AS (${planned})
SELECT p.address FROM planned p
LEFT JOIN cutter.iu_versions e ON e.address = p.address AND e.status = 'enacted'
WHERE p.action IS NOT NULL AND NOT (
     (p.action = 'new' AND e.address IS NULL)
  OR (p.action = 'changed' AND e.address IS NOT NULL AND e.content_hash <> p.content_hash)
  OR (p.action = 'retire' AND e.address IS NOT NULL AND e.content_hash = p.content_hash))
ORDER BY p.address COLLATE "C" LIMIT 20`;

/**
 * In the cut's transaction: refuses if the action planning found for any row no longer holds, naming the rows. The
 * rows are the pinned ones if `pinned`, else `rows`; a plan not classified against the target has no action to check.
 */
async function refuseStaleActions(session: DbSession, runId: string, pinned: boolean, rows: readonly IURow[], classified = rows.some((r) => r.action !== undefined)): Promise<void> {
  if (!classified) return;
  const { rows: stale } = pinned
    ? await session.query<{ address: string }>(STALE_ACTIONS_SQL('SELECT address, content_hash, action FROM cutter.pinned_plan_rows WHERE run_id = $1'), [runId])
    : await session.query<{ address: string }>(STALE_ACTIONS_SQL('SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) AS u (address, content_hash, action)'),
      [rows.map((r) => r.address), rows.map((r) => r.contentHash), rows.map((r) => r.action ?? null)]);
  if (stale.length > 0) throw new PlanStale(stale.map((r) => r.address));
}

/** The cut refused because the plan pinned in the target is not the plan the run holds and its approvals bind. */
function pinDiffers(runId: string, difference: PinDifference): StopInvariantFailed {
  const consequence = 'the pinned plan is not the approved plan, so nothing was cut';
  switch (difference.kind) {
    case 'rehashed':
      return new StopInvariantFailed('cutLegA', {
        ...(difference.addresses[0] === undefined ? {} : { address: difference.addresses[0], status: 'edited' }),
        reason: `pinned rows of run ${runId} no longer hash to their content hash (edited since planning): ${difference.addresses.join(', ')}; ${consequence}`,
      });
    case 'rows':
      return new StopInvariantFailed('cutLegA', { reason: `run ${runId} has ${difference.pinned} pinned rows for ${difference.planned} planned; ${consequence}` });
    case 'digest':
      return new StopInvariantFailed('cutLegA', { reason: `the pinned rows of run ${runId} have content digest ${difference.pinned.slice(0, 12)}, the plan ${difference.planned.slice(0, 12)}; ${consequence}` });
    case 'actions':
      return new StopInvariantFailed('cutLegA', { reason: `the pinned rows of run ${runId} carry other actions than the plan; ${consequence}` });
  }
}

/**
 * The cut's work, in its transaction: refuses a stale plan, records the change set, and creates a draft per row. If
 * planning pinned the run's plan in the target, the drafts are inserted from the pinned rows (checked row by row
 * against `rows` and against their content hashes; any difference refuses the cut); otherwise `rows` are staged and
 * written by COPY. Any row not created refuses the whole cut. Returns a frozen result per row, in plan order.
 */
export async function cutRows(
  session: DbSession,
  ctx: ExecutionContext,
  rows: readonly IURow[],
  chunkSize: number,
  progress: (done: number, finished?: boolean) => void,
): Promise<readonly IUCreateResult[]> {
  const pin = await findPin(session, ctx.runId);
  if (pin !== undefined && pin.planHash !== ctx.changeSet.planHash) {
    throw new StopInvariantFailed('cutLegA', { reason: `the plan pinned for run ${ctx.runId} hashes to ${pin.planHash.slice(0, 12)}, the change set to ${ctx.changeSet.planHash.slice(0, 12)}` });
  }
  await refuseStalePlan(session, ctx.changeSet, pin === undefined ? rows.map((r) => r.address) : { pinnedRunId: ctx.runId });
  await refuseStaleActions(session, ctx.runId, pin !== undefined, rows);
  await insertChangeSet(session, ctx.changeSet, ctx.runId);
  // Every row but a retirement writes a version; a retirement is done at enactment.
  const writing = rows.every(writesVersion) ? rows : rows.filter(writesVersion);
  let created: CreatedRow[];
  // Said before the first row is written, so a printer's rate runs from the start of the writing, not its first chunk.
  progress(0);
  if (pin === undefined) {
    created = await createStaged(session, writing, ctx.changeSet.changeSetId, chunkSize, progress);
  } else {
    const fromPin = await createFromPin(session, ctx.runId, rows, contentDigestOf(rows), ctx.changeSet.changeSetId, chunkSize, progress);
    if (fromPin.difference !== null) throw pinDiffers(ctx.runId, fromPin.difference);
    created = fromPin.created;
  }
  refuseFailedRows('cutLegA', created, 'created', 'the whole cut rolls back');
  // Both paths report in input order, so row i's content hash is writing[i]'s.
  const results = created.map((row, i) => freezeResult({ address: row.address, version: row.version, status: row.status, contentHash: writing[i]?.contentHash ?? '', simulated: false }));
  progress(writing.length, true);
  return Object.freeze(results);
}

/**
 * The cut of a plan pinned in the target and known to the run by its facts (never its rows): as {@link cutRows} cuts
 * from a pin, checked against the facts instead of rows held in the process, and reporting counts. A row that could
 * not be created refuses the whole cut, naming it.
 */
export async function cutPinnedPlan(
  session: DbSession,
  ctx: ExecutionContext,
  facts: PinnedPlanFacts,
  chunkSize: number,
  progress: (done: number, finished?: boolean) => void,
): Promise<CutSummary> {
  const pin = await findPin(session, ctx.runId);
  if (pin === undefined) throw new StopInvariantFailed('cutLegA', { reason: `no plan is pinned for run ${ctx.runId}, so nothing was cut` });
  if (pin.planHash !== ctx.changeSet.planHash || facts.planHash !== ctx.changeSet.planHash) {
    throw new StopInvariantFailed('cutLegA', { reason: `the plan pinned for run ${ctx.runId} hashes to ${pin.planHash.slice(0, 12)}, the change set to ${ctx.changeSet.planHash.slice(0, 12)}` });
  }
  await refuseStalePlan(session, ctx.changeSet, { pinnedRunId: ctx.runId });
  await refuseStaleActions(session, ctx.runId, true, [], facts.classified);
  await insertChangeSet(session, ctx.changeSet, ctx.runId);
  progress(0);
  const difference = await pinDifference(session, ctx.runId, { rows: facts.rowCount, digest: facts.pinDigest, actions: facts.actionDigest });
  if (difference !== null) throw pinDiffers(ctx.runId, difference);
  const exceptions = await pinExceptions(session, ctx.runId);
  refuseFailedRows('cutLegA', exceptions, 'created', 'the whole cut rolls back');
  const created = await insertFromPin(session, ctx.runId, ctx.changeSet.changeSetId, exceptions, facts.rowCount, chunkSize, progress);
  if (created !== facts.writtenCount) throw new StopInvariantFailed('cutLegA', { reason: `${created} drafts inserted for ${facts.writtenCount} planned` });
  progress(created, true);
  return freezeResult({ changeSetId: ctx.changeSet.changeSetId, created, simulated: false });
}
