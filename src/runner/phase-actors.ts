import { fromPromise } from 'xstate';
import type {
  CutSummary,
  EnactInput,
  EnactSummary,
  PhaseInput,
  PrecheckOutput,
} from '../../machines/run-types.js';
import type { ChangeSet } from '../domain/change-set.js';
import { Mode } from '../domain/mode.js';
import { freezeResult, type BackupResult, type CompensationResult, type LegBResult, type VerifyResult } from '../domain/results.js';
import { KillSwitchLock, LiveAdapterRequired, ExecutorModeMismatch } from '../errors/index.js';
import type { ExecutionContext, Executor } from '../executors/executor.js';
import { isLiveAdapter } from '../executors/live-adapter.js';
import { assertExecutionEnabled, type KillSwitch } from '../kill-switch/index.js';
import type { Logger } from '../logging/logger.js';
import { describeExecutor, executorFitsMode } from './executor-binding.js';
import { pinnedPhases, rowPhases, type PlanPhases } from './plan-phases.js';
import { rowCountOf, type RunPlan } from './run-plan.js';

/** What the phase actors of one run close over: its one executor, its kill switch, its plan. */
export interface PhaseBinding {
  readonly executor: Executor;
  readonly killSwitch: KillSwitch;
  readonly plan: RunPlan;
  readonly logger: Logger;
  /**
   * Awaited before the phase's own locks are read and its executor entered: the runner stores the event that started
   * the phase first, so a crash inside the phase leaves a stored run that is in it (record before effect). It resolves
   * with that write (`recorded`) once the phase may start beside it: an executor that awaits the record before it
   * commits (`awaitsRecordBeforeCommit`) is handed it, any other is entered only once it is written.
   */
  readonly beforeEffect?: () => Promise<{ readonly recorded: Promise<void> }>;
  /** This process's hold on the run, handed to the executor to check inside the phase's transaction. */
  readonly holdToken?: string;
}

/**
 * The phase's own locks, checked before the executor is entered: the executor is of the run's mode (I1, I2, I4) and,
 * for LIVE, the kill switch reads ON now (I3, the phase lock).
 */
function enterPhase(binding: PhaseBinding, input: PhaseInput, phase: string, signal: AbortSignal, recorded: Promise<void> | undefined): ExecutionContext {
  if (!executorFitsMode(binding.executor, input.mode)) {
    if (input.mode === Mode.Live) throw new LiveAdapterRequired(phase, describeExecutor(binding.executor));
    throw new ExecutorModeMismatch(input.mode, isLiveAdapter(binding.executor) ? Mode.Live : binding.executor.mode);
  }
  if (input.mode === Mode.Live) assertExecutionEnabled(binding.killSwitch, phase, KillSwitchLock.Phase);
  return {
    runId: input.runId, mode: input.mode, changeSet: input.changeSet, signal,
    ...(binding.holdToken === undefined ? {} : { holdToken: binding.holdToken }),
    ...(recorded === undefined ? {} : { recorded }),
  };
}

/** Wraps a phase body with its locks and a start/finish log line. */
function phaseActor<TOutput, TInput extends PhaseInput>(
  binding: PhaseBinding,
  phase: string,
  body: (ctx: ExecutionContext, input: TInput) => Promise<TOutput>,
) {
  return fromPromise<TOutput, TInput>(async ({ input, signal }) => {
    const recorded = (await binding.beforeEffect?.())?.recorded;
    // Record before effect: an executor that awaits the record before its commit may start beside it; any other waits here.
    const beside = recorded !== undefined && binding.executor.awaitsRecordBeforeCommit === true;
    if (recorded !== undefined && !beside) await recorded;
    const ctx = enterPhase(binding, input, phase, signal, beside ? recorded : undefined);
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
  const { executor } = binding;
  const rowCount = rowCountOf(binding.plan);
  const phases: PlanPhases = binding.plan.kind === 'pinned' ? pinnedPhases(executor, binding.plan.facts) : rowPhases(executor, binding.plan.plan);
  return {
    precheck: fromPromise<PrecheckOutput, { runId: string; mode: Mode }>(async ({ input, signal }) => {
      if (!executorFitsMode(executor, input.mode)) {
        throw input.mode === Mode.Live
          ? new LiveAdapterRequired('precheck', describeExecutor(executor))
          : new ExecutorModeMismatch(input.mode, executor.mode);
      }
      const log = binding.logger.child({ phase: 'precheck' });
      const started = performance.now();
      log.info({ executor: executor.name, rowCount }, 'phase started');
      const report = await executor.precheck({ runId: input.runId, mode: input.mode, signal });
      // The target as the executor describes it (a masked DSN or a folder): never a credential, never a body.
      log.info({ ms: Math.round(performance.now() - started), target: report.target }, 'phase finished');
      return { executor: executor.name, target: report.target, rowCount };
    }),

    planning: fromPromise<ChangeSet, { runId: string; expectedPlanHash: string | null }>(async ({ input, signal }) => {
      const log = binding.logger.child({ phase: 'planning' });
      const started = performance.now();
      log.info({ rowCount, pinsInTarget: binding.plan.kind === 'pinned' || executor.pinPlan !== undefined }, 'phase started');
      const changeSet = await phases.planning({ runId: input.runId, signal }, input.expectedPlanHash);
      log.info({ ms: Math.round(performance.now() - started), changeSetId: changeSet.changeSetId, planHash: changeSet.planHash, rowCount: changeSet.rowCount }, 'phase finished');
      return changeSet;
    }),

    backup: phaseActor<BackupResult, PhaseInput>(binding, 'preWriteBackup', (ctx) => executor.preWriteBackup(ctx)),

    cut: phaseActor<CutSummary, PhaseInput>(binding, 'cutLegA', (ctx) => phases.cut(ctx)),

    ledger: phaseActor<LegBResult, PhaseInput>(binding, 'legBRecord', (ctx) => executor.legBRecord(ctx)),

    verify: phaseActor<VerifyResult, PhaseInput>(binding, 'writeVerify', async (ctx) => {
      const expected = phases.verifyExpectation();
      const count = await executor.verifyResultCountFor(ctx);
      const result = await executor.writeVerify(ctx, expected);
      // Two independent reads must agree; either disagreeing with the plan fails verification.
      return count === expected.count ? result : freezeResult({ ...result, ok: false, actualCount: count });
    }),

    enact: phaseActor<EnactSummary, EnactInput>(binding, 'lifecycleEnact', (ctx, input) => phases.enact(ctx, input.reviewDecisionId)),

    compensate: phaseActor<CompensationResult, PhaseInput>(binding, 'compensateChangeSet', (ctx) => executor.compensateChangeSet(ctx)),
  };
}
