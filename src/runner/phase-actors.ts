import { fromPromise } from 'xstate';
import type {
  CutSummary,
  EnactInput,
  EnactSummary,
  PhaseInput,
  PrecheckOutput,
} from '../../machines/run-types.js';
import { changeSetOf, contentDigestOf, pinChangeSet, planHashOf, type ChangeSet } from '../domain/change-set.js';
import type { Cutplan } from '../domain/cutplan.js';
import { writesVersion } from '../domain/iu.js';
import { Mode } from '../domain/mode.js';
import { freezeResult, type BackupResult, type CompensationResult, type LegBResult, type VerifyResult } from '../domain/results.js';
import { KillSwitchLock, LiveAdapterRequired, ExecutorModeMismatch, PlanPinMismatch, StopInvariantFailed } from '../errors/index.js';
import type { ExecutionContext, Executor } from '../executors/executor.js';
import { isLiveAdapter } from '../executors/live-adapter.js';
import { assertExecutionEnabled, type KillSwitch } from '../kill-switch/index.js';
import type { Logger } from '../logging/logger.js';
import { describeExecutor, executorFitsMode } from './executor-binding.js';

/** What the phase actors of one run close over: its one executor, its kill switch, its plan. */
export interface PhaseBinding {
  readonly executor: Executor;
  readonly killSwitch: KillSwitch;
  readonly plan: Cutplan;
  readonly logger: Logger;
  /**
   * Awaited before the phase's own locks are read and its executor entered: the runner stores the event that started
   * the phase first, so a crash inside the phase leaves a stored run that is in it (record before effect).
   */
  readonly beforeEffect?: () => Promise<void>;
  /** This process's hold on the run, handed to the executor to check inside the phase's transaction. */
  readonly holdToken?: string;
}

/**
 * The phase's own locks, checked before the executor is entered: the executor is of the run's mode (I1, I2, I4) and,
 * for LIVE, the kill switch reads ON now (I3, the phase lock).
 */
function enterPhase(binding: PhaseBinding, input: PhaseInput, phase: string, signal: AbortSignal): ExecutionContext {
  if (!executorFitsMode(binding.executor, input.mode)) {
    if (input.mode === Mode.Live) throw new LiveAdapterRequired(phase, describeExecutor(binding.executor));
    throw new ExecutorModeMismatch(input.mode, isLiveAdapter(binding.executor) ? Mode.Live : binding.executor.mode);
  }
  if (input.mode === Mode.Live) assertExecutionEnabled(binding.killSwitch, phase, KillSwitchLock.Phase);
  return { runId: input.runId, mode: input.mode, changeSet: input.changeSet, signal, ...(binding.holdToken === undefined ? {} : { holdToken: binding.holdToken }) };
}

/** Wraps a phase body with its locks and a start/finish log line. */
function phaseActor<TOutput, TInput extends PhaseInput>(
  binding: PhaseBinding,
  phase: string,
  body: (ctx: ExecutionContext, input: TInput) => Promise<TOutput>,
) {
  return fromPromise<TOutput, TInput>(async ({ input, signal }) => {
    await binding.beforeEffect?.();
    const ctx = enterPhase(binding, input, phase, signal);
    const log = binding.logger.child({ phase });
    const started = performance.now();
    log.info({ changeSetId: input.changeSet.changeSetId }, 'phase started');
    try {
      const result = await body(ctx, input);
      log.info({ ms: Math.round(performance.now() - started) }, 'phase finished');
      return result;
    } catch (error) {
      log.warn({ ms: Math.round(performance.now() - started), code: (error as { code?: unknown }).code }, 'phase failed');
      throw error;
    }
  });
}

/**
 * Binds every phase actor of the run machine to one executor. Called once per run, by {@link createRun}; the actors
 * have no other way to reach an executor.
 */
export function bindPhaseActors(binding: PhaseBinding) {
  const { executor, plan } = binding;
  // What the cut writes (every row but a retirement) and what enactment retires.
  const written = plan.rows.every(writesVersion) ? plan.rows : plan.rows.filter(writesVersion);
  const retire = plan.rows.filter((r) => !writesVersion(r)).map((r) => r.address);
  return {
    precheck: fromPromise<PrecheckOutput, { runId: string; mode: Mode }>(async ({ input, signal }) => {
      if (!executorFitsMode(executor, input.mode)) {
        throw input.mode === Mode.Live
          ? new LiveAdapterRequired('precheck', describeExecutor(executor))
          : new ExecutorModeMismatch(input.mode, executor.mode);
      }
      const log = binding.logger.child({ phase: 'precheck' });
      const started = performance.now();
      log.info({ executor: executor.name, rowCount: plan.rows.length }, 'phase started');
      const report = await executor.precheck({ runId: input.runId, mode: input.mode, signal });
      // The target as the executor describes it (a masked DSN or a folder): never a credential, never a body.
      log.info({ ms: Math.round(performance.now() - started), target: report.target }, 'phase finished');
      return { executor: executor.name, target: report.target, rowCount: plan.rows.length };
    }),

    planning: fromPromise<ChangeSet, { runId: string; expectedPlanHash: string | null }>(async ({ input, signal }) => {
      const ctx = { runId: input.runId, signal };
      const log = binding.logger.child({ phase: 'planning' });
      const started = performance.now();
      log.info({ rowCount: plan.rows.length, pinsInTarget: executor.pinPlan !== undefined }, 'phase started');
      const pinned = (changeSet: ChangeSet): ChangeSet => {
        log.info({ ms: Math.round(performance.now() - started), changeSetId: changeSet.changeSetId, planHash: changeSet.planHash, rowCount: changeSet.rowCount }, 'phase finished');
        return changeSet;
      };
      // An executor that pins the plan in the target hashes it there as it stores it (one pass over the rows).
      if (executor.pinPlan !== undefined) {
        const pin = await executor.pinPlan(ctx, plan, input.expectedPlanHash);
        if (pin.rowCount !== plan.rows.length) throw new StopInvariantFailed('planning', { reason: `${pin.rowCount} rows pinned for ${plan.rows.length} planned` });
        return pinned(changeSetOf(pin.planHash, pin.rowCount, input.runId, pin, plan.reverts));
      }
      const planHash = planHashOf(plan);
      if (input.expectedPlanHash !== null && input.expectedPlanHash !== planHash) throw new PlanPinMismatch(input.expectedPlanHash, planHash);
      // The target as it is now, so the cut can refuse if it changed while the run waited for approval.
      const target = executor.fingerprintTarget === undefined ? null : await executor.fingerprintTarget(ctx, plan.rows.map((r) => r.address));
      return pinned(pinChangeSet(plan, input.runId, target));
    }),

    backup: phaseActor<BackupResult, PhaseInput>(binding, 'preWriteBackup', (ctx) => executor.preWriteBackup(ctx)),

    cut: phaseActor<CutSummary, PhaseInput>(binding, 'cutLegA', async (ctx) => {
      const results = await executor.cutLegA(ctx, plan.rows);
      // The executor's transaction already rolled back on a bad row; this re-checks what it reports.
      const bad = results.find((r) => r.status !== 'created');
      if (bad !== undefined) throw new StopInvariantFailed('cutLegA', { address: bad.address, status: bad.status, reason: 'a row was not created' });
      if (results.length !== written.length) {
        throw new StopInvariantFailed('cutLegA', { reason: `${results.length} rows reported for ${written.length} planned` });
      }
      return freezeResult({ changeSetId: ctx.changeSet.changeSetId, created: results.length, simulated: results.every((r) => r.simulated) });
    }),

    ledger: phaseActor<LegBResult, PhaseInput>(binding, 'legBRecord', (ctx) => executor.legBRecord(ctx)),

    verify: phaseActor<VerifyResult, PhaseInput>(binding, 'writeVerify', async (ctx) => {
      const expected = { count: written.length, digest: contentDigestOf(written) };
      const count = await executor.verifyResultCountFor(ctx);
      const result = await executor.writeVerify(ctx, expected);
      // Two independent reads must agree; either disagreeing with the plan fails verification.
      return count === expected.count ? result : freezeResult({ ...result, ok: false, actualCount: count });
    }),

    enact: phaseActor<EnactSummary, EnactInput>(binding, 'lifecycleEnact', async (ctx, input) => {
      const addresses = written.map((r) => r.address);
      const result = await executor.lifecycleEnact(ctx, { addresses, reviewDecisionId: input.reviewDecisionId, ...(retire.length === 0 ? {} : { retire }) });
      const bad = result.enacted.find((e) => e.status !== 'enacted');
      if (bad !== undefined) throw new StopInvariantFailed('lifecycleEnact', { address: bad.address, status: bad.status, reason: 'an IU was not enacted' });
      if (result.enacted.length !== addresses.length) {
        throw new StopInvariantFailed('lifecycleEnact', { reason: `${result.enacted.length} IUs enacted for ${addresses.length} planned` });
      }
      if (result.retiredCount !== retire.length) {
        throw new StopInvariantFailed('lifecycleEnact', { reason: `${result.retiredCount} versions retired for ${retire.length} planned` });
      }
      if (result.lifecycleLogRows < result.enacted.length) {
        throw new StopInvariantFailed('lifecycleEnact', { reason: `the lifecycle log has ${result.lifecycleLogRows} rows for ${result.enacted.length} enactments` });
      }
      return freezeResult({
        changeSetId: result.changeSetId,
        reviewDecisionId: result.reviewDecisionId,
        enacted: result.enacted.length,
        supersededCount: result.supersededCount,
        retiredCount: result.retiredCount,
        lifecycleLogRows: result.lifecycleLogRows,
        simulated: result.simulated,
      });
    }),

    compensate: phaseActor<CompensationResult, PhaseInput>(binding, 'compensateChangeSet', (ctx) => executor.compensateChangeSet(ctx)),
  };
}
