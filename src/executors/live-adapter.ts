import type { IURow } from '../domain/iu.js';
import { Mode } from '../domain/mode.js';
import type {
  BackupResult,
  CompensationResult,
  EnactBatchResult,
  IUCreateResult,
  LegBResult,
  VerifyResult,
} from '../domain/results.js';
import { KillSwitchLock, StopInvariantFailed } from '../errors/index.js';
import { assertExecutionEnabled, type KillSwitch } from '../kill-switch/index.js';
import type { EnactRequest, ExecutionContext, Executor, PrecheckReport, VerifyExpectation } from './executor.js';

/**
 * The base of every live adapter. Its public methods are the seam; each re-checks the kill switch (the executor's
 * lock, independent of the machine's guard and the phase's check) and refuses incomplete rows before the subclass is
 * entered, so no subclass can forget either. Subclasses implement the protected `run*` methods, one transaction each.
 *
 * @example
 * class MyAdapter extends LiveExecutionAdapter {
 *   readonly name = 'my-store';
 *   protected async runCutLegA(ctx, rows) { ... one transaction ... }
 *   // ...the other run* methods
 * }
 */
export abstract class LiveExecutionAdapter implements Executor {
  readonly mode = Mode.Live;
  abstract readonly name: string;
  readonly #killSwitch: KillSwitch;

  protected constructor(killSwitch: KillSwitch) {
    this.#killSwitch = killSwitch;
  }

  /** Refuses unless the kill switch reads ON now. Called first by every seam method. */
  protected assertLiveAllowed(phase: string): void {
    assertExecutionEnabled(this.#killSwitch, phase, KillSwitchLock.Executor);
  }

  /** Non-mutating, so it needs no kill switch: a precheck may tell an operator the switch is OFF. */
  async precheck(ctx: { readonly runId: string; readonly mode: Mode; readonly signal?: AbortSignal }): Promise<PrecheckReport> {
    return this.runPrecheck(ctx);
  }

  async preWriteBackup(ctx: ExecutionContext): Promise<BackupResult> {
    this.assertLiveAllowed('preWriteBackup');
    return this.runPreWriteBackup(ctx);
  }

  async cutLegA(ctx: ExecutionContext, rows: readonly IURow[]): Promise<readonly IUCreateResult[]> {
    this.assertLiveAllowed('cutLegA');
    refuseIncompleteRows(rows);
    return this.runCutLegA(ctx, rows);
  }

  async legBRecord(ctx: ExecutionContext): Promise<LegBResult> {
    this.assertLiveAllowed('legBRecord');
    return this.runLegBRecord(ctx);
  }

  async verifyResultCountFor(ctx: ExecutionContext): Promise<number> {
    this.assertLiveAllowed('verifyResultCountFor');
    return this.runVerifyResultCountFor(ctx);
  }

  async writeVerify(ctx: ExecutionContext, expected: VerifyExpectation): Promise<VerifyResult> {
    this.assertLiveAllowed('writeVerify');
    return this.runWriteVerify(ctx, expected);
  }

  async lifecycleEnact(ctx: ExecutionContext, request: EnactRequest): Promise<EnactBatchResult> {
    this.assertLiveAllowed('lifecycleEnact');
    if (request.reviewDecisionId.trim() === '') {
      throw new StopInvariantFailed('lifecycleEnact', { reason: 'enactment needs a review decision id' });
    }
    return this.runLifecycleEnact(ctx, request);
  }

  async compensateChangeSet(ctx: ExecutionContext): Promise<CompensationResult> {
    this.assertLiveAllowed('compensateChangeSet');
    return this.runCompensateChangeSet(ctx);
  }

  /** Called when a run ends: subclasses that hold something on the target (a lease) give it back. Default: nothing. */
  releaseTarget(_ctx: { readonly runId: string; readonly holdToken?: string }): Promise<void> {
    return Promise.resolve();
  }

  protected abstract runPrecheck(ctx: { readonly runId: string; readonly mode: Mode; readonly signal?: AbortSignal }): Promise<PrecheckReport>;
  protected abstract runPreWriteBackup(ctx: ExecutionContext): Promise<BackupResult>;
  protected abstract runCutLegA(ctx: ExecutionContext, rows: readonly IURow[]): Promise<readonly IUCreateResult[]>;
  protected abstract runLegBRecord(ctx: ExecutionContext): Promise<LegBResult>;
  protected abstract runVerifyResultCountFor(ctx: ExecutionContext): Promise<number>;
  protected abstract runWriteVerify(ctx: ExecutionContext, expected: VerifyExpectation): Promise<VerifyResult>;
  protected abstract runLifecycleEnact(ctx: ExecutionContext, request: EnactRequest): Promise<EnactBatchResult>;
  protected abstract runCompensateChangeSet(ctx: ExecutionContext): Promise<CompensationResult>;
}

/**
 * Rows without a title or body are refused before any connection is made (the cutplan must be content-enriched).
 * Validation normally catches this at planning; this is the adapter's own line of defence.
 */
function refuseIncompleteRows(rows: readonly IURow[]): void {
  if (rows.length === 0) throw new StopInvariantFailed('cutLegA', { reason: 'no rows to create' });
  for (const row of rows) {
    for (const field of ['title', 'body'] as const) {
      const value: unknown = row[field];
      if (typeof value !== 'string' || value.trim() === '') {
        throw new StopInvariantFailed('cutLegA', { address: row.address, status: `missing-${field}`, reason: `row has no ${field}` });
      }
    }
  }
}

/** True when `executor` is a live adapter (the only kind a LIVE run accepts). */
export function isLiveAdapter(executor: unknown): executor is LiveExecutionAdapter {
  return executor instanceof LiveExecutionAdapter;
}
