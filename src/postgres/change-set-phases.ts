/**
 * The work of the enactment and compensation phases inside their transaction (the adapter supplies the transaction,
 * the kill switch, the hold, the lease and the phase record): what each writes, and the checks it makes before it
 * commits.
 */
import type { EnactSummary } from '../../machines/run-types.js';
import type { PinnedPlanFacts } from '../domain/pinned-plan-facts.js';
import { freezeResult, type CompensationResult, type EnactBatchResult } from '../domain/results.js';
import { StopInvariantFailed } from '../errors/index.js';
import type { EnactRequest, ExecutionContext } from '../executors/executor.js';
import type { DbSession } from './port.js';
import { refuseFailedRows } from './refuse-failed-rows.js';
import { enactAddresses, enactedRowsOf, enactPinnedAddresses, lifecycleLogHead, lifecycleRowsThisTransaction, retireEnacted, retirePinned } from './sql/iu-enact.js';
import { appendLedger } from './sql/ledger.js';
import { revertChangeSet, type RevertAction } from './sql/revert.js';
import { releaseTarget } from './sql/target-lock.js';
import { changeSetCount } from './sql/verify.js';

/** Enacts the request's drafts and retirements, checks the lifecycle log counts them all, and gives the target back. */
export async function enactChangeSet(session: DbSession, ctx: ExecutionContext, request: EnactRequest, chunkSize: number, progress: (done: number, finished?: boolean) => void): Promise<EnactBatchResult> {
  // Said before the first chunk, so the rate runs from the start of the work; then once per chunk the database enacted.
  progress(0);
  const head = await lifecycleLogHead(session);
  const rows = await enactAddresses(session, { changeSetId: ctx.changeSet.changeSetId, runId: ctx.runId, reviewDecisionId: request.reviewDecisionId }, request.addresses, chunkSize, progress);
  refuseFailedRows('lifecycleEnact', rows, 'enacted', 'the whole enactment rolls back');
  const enacted = rows.map((row) => freezeResult({ ...row }));
  const retire = request.retire ?? [];
  const retired = await retireEnacted(session, ctx.changeSet.changeSetId, retire);
  if (retired.length !== retire.length) {
    const missing = retire.filter((a) => !retired.includes(a));
    throw new StopInvariantFailed('lifecycleEnact', { ...(missing[0] === undefined ? {} : { address: missing[0] }), status: 'not-enacted', reason: `${missing.length} address(es) to retire have no enacted version: ${missing.slice(0, 10).join(', ')}` });
  }
  progress(request.addresses.length, true);
  const logged = await lifecycleRowsThisTransaction(session, head);
  if (logged.total !== enacted.length + logged.superseded + retired.length) {
    throw new StopInvariantFailed('lifecycleEnact', { reason: `the lifecycle trigger logged ${logged.total} rows for ${enacted.length} enactments, ${logged.superseded} supersessions and ${retired.length} retirements` });
  }
  // The run's last phase: it gives the target back in its own transaction, so the lease ends exactly when it does.
  await releaseTarget(session, ctx.runId, ctx.holdToken);
  return freezeResult({ changeSetId: ctx.changeSet.changeSetId, reviewDecisionId: request.reviewDecisionId, enacted, supersededCount: logged.superseded, retiredCount: retired.length, lifecycleLogRows: logged.total, simulated: false });
}

/**
 * {@link enactChangeSet} for a plan pinned in the target and known by its facts: the addresses to enact and to retire
 * are read from the pin server-side, and the result is counts. The same checks: every draft enacted, every retirement
 * done, the lifecycle log counting every move.
 */
export async function enactPinnedPlan(session: DbSession, ctx: ExecutionContext, reviewDecisionId: string, facts: PinnedPlanFacts, chunkSize: number, progress: (done: number, finished?: boolean) => void): Promise<EnactSummary> {
  progress(0);
  const head = await lifecycleLogHead(session);
  const failed = await enactPinnedAddresses(session, { changeSetId: ctx.changeSet.changeSetId, runId: ctx.runId, reviewDecisionId }, facts.rowCount, chunkSize, progress);
  refuseFailedRows('lifecycleEnact', failed, 'enacted', 'the whole enactment rolls back');
  const retired = facts.retireCount === 0 ? 0 : await retirePinned(session, ctx.changeSet.changeSetId, ctx.runId);
  if (retired !== facts.retireCount) {
    throw new StopInvariantFailed('lifecycleEnact', { status: 'not-enacted', reason: `${facts.retireCount - retired} address(es) to retire have no enacted version` });
  }
  progress(facts.writtenCount, true);
  const logged = await lifecycleRowsThisTransaction(session, head);
  if (logged.total !== facts.writtenCount + logged.superseded + retired) {
    throw new StopInvariantFailed('lifecycleEnact', { reason: `the lifecycle trigger logged ${logged.total} rows for ${facts.writtenCount} enactments, ${logged.superseded} supersessions and ${retired} retirements` });
  }
  await releaseTarget(session, ctx.runId, ctx.holdToken);
  return freezeResult({ changeSetId: ctx.changeSet.changeSetId, reviewDecisionId, enacted: facts.writtenCount, supersededCount: logged.superseded, retiredCount: retired, lifecycleLogRows: logged.total, simulated: false });
}

/** An enactment recorded without its per-IU list (100k entries at 100k rows): rebuilt from the table on replay. */
export async function replayEnactment(session: DbSession, ctx: ExecutionContext, recorded: unknown): Promise<EnactBatchResult> {
    // Recorded before retirements existed: nothing was retired.
    const stored = recorded as Omit<EnactBatchResult, 'enacted' | 'retiredCount'> & { retiredCount?: number };
    const summary = { ...stored, retiredCount: stored.retiredCount ?? 0 };
    const enacted = (await enactedRowsOf(session, ctx.changeSet.changeSetId)).map((row) => freezeResult(row));
    return freezeResult({ ...summary, enacted: Object.freeze(enacted) });
}

/** Reverts the change set, checks nothing of it stays live, records the revert in the ledger, and gives the target back. */
export async function compensateChangeSet(session: DbSession, ctx: ExecutionContext): Promise<CompensationResult> {
  const actions = await revertChangeSet(session, ctx.changeSet.changeSetId);
  // Verified in the same transaction: nothing of the change set may remain live.
  const remaining = await changeSetCount(session, ctx.changeSet.changeSetId);
  if (remaining !== 0) throw new StopInvariantFailed('compensateChangeSet', { reason: `${remaining} versions of the change set are still draft or enacted after the revert` });
  const count = (kind: RevertAction['action']) => actions.filter((a) => a.action === kind).length;
  await appendLedger(session, {
    kind: 'revert',
    changeSetId: ctx.changeSet.changeSetId,
    payload: { runId: ctx.runId, planHash: ctx.changeSet.planHash, actions: actions.map((a) => `${a.action} ${a.address} v${a.version}`) },
  });
  await releaseTarget(session, ctx.runId, ctx.holdToken);
  return freezeResult({
    changeSetId: ctx.changeSet.changeSetId,
    removedDrafts: count('retire-draft'),
    retired: count('retire-enacted'),
    reEnacted: count('re-enact'),
    restored: count('restore'),
    actions: actions.map((a) => `${a.action} ${a.address} v${a.version}`),
    simulated: false,
  });
}
