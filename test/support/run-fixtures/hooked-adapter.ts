import type { IURow } from '../../../src/domain/iu.js';
import type { ExecutionContext, VerifyExpectation } from '../../../src/executors/executor.js';
import { PostgresLiveExecutionAdapter, type PostgresAdapterOptions } from '../../../src/postgres/postgres-adapter.js';

/** The mutating seam methods a hook can wrap. */
export type HookedPhase = 'preWriteBackup' | 'cutLegA' | 'legBRecord' | 'writeVerify' | 'lifecycleEnact';

/** Wraps one phase: `proceed` runs the real phase (its whole transaction); a hook may not call it at all. */
export type PhaseHook = (proceed: () => Promise<unknown>) => Promise<unknown>;

/**
 * The real PostgreSQL adapter with hooks around its phases, to leave a run where a fault would: a kill switch turned
 * OFF just after a commit, a process that dies after a commit and before its record, a phase that fails. Everything
 * the hooks let through is the real adapter's own transaction.
 */
export class HookedAdapter extends PostgresLiveExecutionAdapter {
  readonly #hooks: Partial<Record<HookedPhase, PhaseHook>>;

  constructor(options: PostgresAdapterOptions, hooks: Partial<Record<HookedPhase, PhaseHook>>) {
    super(options);
    this.#hooks = hooks;
  }

  #around<T>(phase: HookedPhase, proceed: () => Promise<T>): Promise<T> {
    const hook = this.#hooks[phase];
    return hook === undefined ? proceed() : (hook(proceed) as Promise<T>);
  }

  override preWriteBackup(ctx: ExecutionContext) {
    return this.#around('preWriteBackup', () => super.preWriteBackup(ctx));
  }

  override cutLegA(ctx: ExecutionContext, rows: readonly IURow[]) {
    return this.#around('cutLegA', () => super.cutLegA(ctx, rows));
  }

  override legBRecord(ctx: ExecutionContext) {
    return this.#around('legBRecord', () => super.legBRecord(ctx));
  }

  override writeVerify(ctx: ExecutionContext, expected: VerifyExpectation) {
    return this.#around('writeVerify', () => super.writeVerify(ctx, expected));
  }

  override lifecycleEnact(ctx: ExecutionContext, request: { addresses: readonly string[]; reviewDecisionId: string }) {
    return this.#around('lifecycleEnact', () => super.lifecycleEnact(ctx, request));
  }
}

/** A promise that never settles: the process "died" here, as far as the run can tell. */
export const never = (): Promise<never> => new Promise<never>(() => undefined);
