import type { CutSummary, EnactSummary } from '../../machines/run-types.js';
import { changeSetOf, contentDigestOf, pinChangeSet, planHashOf, type ChangeSet } from '../domain/change-set.js';
import type { Cutplan } from '../domain/cutplan.js';
import { writesVersion } from '../domain/iu.js';
import type { PinnedPlanFacts } from '../domain/pinned-plan-facts.js';
import { freezeResult } from '../domain/results.js';
import { CollaboratorNotConfigured, PlanPinMismatch, StopInvariantFailed } from '../errors/index.js';
import type { ExecutionContext, Executor, VerifyExpectation } from '../executors/executor.js';

/**
 * The part of each phase that depends on how the run knows its plan: planning, the cut, what verification expects,
 * and enactment. The rows of a plan held in the process are handed to the executor; a plan pinned in the target is
 * named by its facts, and the executor works from the pin server-side. Either way each phase checks what the executor
 * reports against the plan before the machine moves on.
 */
export interface PlanPhases {
  planning(ctx: { readonly runId: string; readonly signal: AbortSignal }, expectedPlanHash: string | null): Promise<ChangeSet>;
  cut(ctx: ExecutionContext): Promise<CutSummary>;
  verifyExpectation(): VerifyExpectation;
  enact(ctx: ExecutionContext, reviewDecisionId: string): Promise<EnactSummary>;
}

/** Refuses an enactment whose counts are not the plan's (the executor's transaction already checked them too). */
function checkEnacted(result: Omit<EnactSummary, 'retiredCount'> & { readonly retiredCount: number }, written: number, retire: number): EnactSummary {
  if (result.enacted !== written) throw new StopInvariantFailed('lifecycleEnact', { reason: `${result.enacted} IUs enacted for ${written} planned` });
  if (result.retiredCount !== retire) throw new StopInvariantFailed('lifecycleEnact', { reason: `${result.retiredCount} versions retired for ${retire} planned` });
  if (result.lifecycleLogRows < result.enacted) {
    throw new StopInvariantFailed('lifecycleEnact', { reason: `the lifecycle log has ${result.lifecycleLogRows} rows for ${result.enacted} enactments` });
  }
  return freezeResult({
    changeSetId: result.changeSetId,
    reviewDecisionId: result.reviewDecisionId,
    enacted: result.enacted,
    supersededCount: result.supersededCount,
    retiredCount: result.retiredCount,
    lifecycleLogRows: result.lifecycleLogRows,
    simulated: result.simulated,
  });
}

/** The phases of a plan held in the process: its rows go to the executor (which may pin them at planning). */
export function rowPhases(executor: Executor, plan: Cutplan): PlanPhases {
  // What the cut writes (every row but a retirement) and what enactment retires.
  const written = plan.rows.every(writesVersion) ? plan.rows : plan.rows.filter(writesVersion);
  const retire = plan.rows.filter((r) => !writesVersion(r)).map((r) => r.address);
  return {
    async planning(ctx, expectedPlanHash) {
      // An executor that pins the plan in the target hashes it there as it stores it (one pass over the rows).
      if (executor.pinPlan !== undefined) {
        const pin = await executor.pinPlan(ctx, plan, expectedPlanHash);
        if (pin.rowCount !== plan.rows.length) throw new StopInvariantFailed('planning', { reason: `${pin.rowCount} rows pinned for ${plan.rows.length} planned` });
        return changeSetOf(pin.planHash, pin.rowCount, ctx.runId, pin, plan.reverts);
      }
      const planHash = planHashOf(plan);
      if (expectedPlanHash !== null && expectedPlanHash !== planHash) throw new PlanPinMismatch(expectedPlanHash, planHash);
      // The target as it is now, so the cut can refuse if it changed while the run waited for approval.
      const target = executor.fingerprintTarget === undefined ? null : await executor.fingerprintTarget(ctx, plan.rows.map((r) => r.address));
      return pinChangeSet(plan, ctx.runId, target);
    },
    async cut(ctx) {
      const results = await executor.cutLegA(ctx, plan.rows);
      // The executor's transaction already rolled back on a bad row; this re-checks what it reports.
      const bad = results.find((r) => r.status !== 'created');
      if (bad !== undefined) throw new StopInvariantFailed('cutLegA', { address: bad.address, status: bad.status, reason: 'a row was not created' });
      if (results.length !== written.length) {
        throw new StopInvariantFailed('cutLegA', { reason: `${results.length} rows reported for ${written.length} planned` });
      }
      return freezeResult({ changeSetId: ctx.changeSet.changeSetId, created: results.length, simulated: results.every((r) => r.simulated) });
    },
    verifyExpectation: () => ({ count: written.length, digest: contentDigestOf(written) }),
    async enact(ctx, reviewDecisionId) {
      const addresses = written.map((r) => r.address);
      const result = await executor.lifecycleEnact(ctx, { addresses, reviewDecisionId, ...(retire.length === 0 ? {} : { retire }) });
      const bad = result.enacted.find((e) => e.status !== 'enacted');
      if (bad !== undefined) throw new StopInvariantFailed('lifecycleEnact', { address: bad.address, status: bad.status, reason: 'an IU was not enacted' });
      return checkEnacted({ ...result, enacted: result.enacted.length }, addresses.length, retire.length);
    },
  };
}

/**
 * The phases of a plan pinned in the target, known by its facts: planning finds the pin (made before the run was
 * created, by pinSourceRows), and the cut and enactment work from it server-side. The executor must have the pinned
 * methods (createRun refuses one without them).
 */
export function pinnedPhases(executor: Executor, facts: PinnedPlanFacts): PlanPhases {
  if (executor.findPinnedPlan === undefined || executor.cutPinned === undefined || executor.enactPinned === undefined) throw new CollaboratorNotConfigured('executor.cutPinned');
  const pinnedExecutor = executor as Required<Pick<Executor, 'findPinnedPlan' | 'cutPinned' | 'enactPinned'>>;
  return {
    async planning(ctx, expectedPlanHash) {
      const pin = await pinnedExecutor.findPinnedPlan(ctx);
      if (pin === undefined) throw new StopInvariantFailed('planning', { reason: `no plan is pinned in the target for run ${ctx.runId}` });
      if (pin.planHash !== facts.planHash) throw new PlanPinMismatch(facts.planHash, pin.planHash);
      if (expectedPlanHash !== null && expectedPlanHash !== pin.planHash) throw new PlanPinMismatch(expectedPlanHash, pin.planHash);
      if (pin.rowCount !== facts.rowCount) throw new StopInvariantFailed('planning', { reason: `${pin.rowCount} rows pinned for ${facts.rowCount} planned` });
      return changeSetOf(pin.planHash, pin.rowCount, ctx.runId, pin, facts.reverts);
    },
    async cut(ctx) {
      const summary = await pinnedExecutor.cutPinned(ctx, facts);
      if (summary.created !== facts.writtenCount) throw new StopInvariantFailed('cutLegA', { reason: `${summary.created} rows reported for ${facts.writtenCount} planned` });
      return summary;
    },
    verifyExpectation: () => ({ count: facts.writtenCount, digest: facts.writtenDigest }),
    async enact(ctx, reviewDecisionId) {
      const result = await pinnedExecutor.enactPinned(ctx, reviewDecisionId, facts);
      return checkEnacted({ ...result, retiredCount: result.retiredCount ?? 0 }, facts.writtenCount, facts.retireCount);
    },
  };
}
