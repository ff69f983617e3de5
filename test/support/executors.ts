import { contentDigestOf } from '../../src/domain/change-set.js';
import type { IURow } from '../../src/domain/iu.js';
import { Mode } from '../../src/domain/mode.js';
import type { ExecutionContext, Executor, ExecutorMethod, VerifyExpectation } from '../../src/executors/executor.js';
import { LiveExecutionAdapter } from '../../src/executors/live-adapter.js';
import { DryRunSimulator } from '../../src/executors/simulator.js';
import type { KillSwitch } from '../../src/kill-switch/index.js';

/** Thrown by a tripwire: reaching it is the bug. */
export class TripwireHit extends Error {
  constructor(what: string, method: string) {
    super(`TRIPWIRE: ${what}.${method} was called`);
  }
}

/** A simulator whose every method records the call and throws: proves LIVE never reaches a simulator. */
export class TripwireSimulator implements Executor {
  readonly mode = Mode.DryRun;
  readonly name = 'tripwire-simulator';
  readonly calls: string[] = [];
  #trip(method: string): never {
    this.calls.push(method);
    throw new TripwireHit('simulator', method);
  }
  precheck(): never { return this.#trip('precheck'); }
  preWriteBackup(): never { return this.#trip('preWriteBackup'); }
  cutLegA(): never { return this.#trip('cutLegA'); }
  legBRecord(): never { return this.#trip('legBRecord'); }
  verifyResultCountFor(): never { return this.#trip('verifyResultCountFor'); }
  writeVerify(): never { return this.#trip('writeVerify'); }
  lifecycleEnact(): never { return this.#trip('lifecycleEnact'); }
  compensateChangeSet(): never { return this.#trip('compensateChangeSet'); }
}

/** The real simulator, recording which methods were called: proves DRYRUN uses it. */
export class RecordingSimulator extends DryRunSimulator {
  readonly calls: ExecutorMethod[] = [];
  override precheck() { this.calls.push('precheck'); return super.precheck(); }
  override preWriteBackup(ctx: ExecutionContext) { this.calls.push('preWriteBackup'); return super.preWriteBackup(ctx); }
  override cutLegA(ctx: ExecutionContext, rows: readonly IURow[]) { this.calls.push('cutLegA'); return super.cutLegA(ctx, rows); }
  override legBRecord(ctx: ExecutionContext) { this.calls.push('legBRecord'); return super.legBRecord(ctx); }
  override verifyResultCountFor(ctx: ExecutionContext) { this.calls.push('verifyResultCountFor'); return super.verifyResultCountFor(ctx); }
  override writeVerify(ctx: ExecutionContext, e: VerifyExpectation) { this.calls.push('writeVerify'); return super.writeVerify(ctx, e); }
  override lifecycleEnact(ctx: ExecutionContext, r: { addresses: readonly string[]; reviewDecisionId: string }) {
    this.calls.push('lifecycleEnact');
    return super.lifecycleEnact(ctx, r);
  }
  override compensateChangeSet(ctx: ExecutionContext) { this.calls.push('compensateChangeSet'); return super.compensateChangeSet(ctx); }
}

/** Per-method behaviour a test can script: fail with an error, or report bad statuses. */
export interface AdapterScript {
  failOn?: Partial<Record<ExecutorMethod, Error>>;
  /** Make cutLegA report this status for the row at this index. */
  badCutRow?: { index: number; status: 'exists' | 'conflict' };
  verifyMismatch?: boolean;
  backupUnverified?: boolean;
}

/**
 * A live adapter with canned results, recording which seam methods reached it. It extends the real base class, so
 * the executor's kill-switch lock and row checks are in force.
 */
export class FakeLiveAdapter extends LiveExecutionAdapter {
  readonly name = 'fake-live-adapter';
  readonly calls: ExecutorMethod[] = [];
  readonly script: AdapterScript;
  readonly #inner = new DryRunSimulator();

  constructor(killSwitch: KillSwitch, script: AdapterScript = {}) {
    super(killSwitch);
    this.script = script;
  }

  #enter(method: ExecutorMethod): void {
    this.calls.push(method);
    const failure = this.script.failOn?.[method];
    if (failure !== undefined) throw failure;
  }

  protected runPrecheck() {
    this.#enter('precheck');
    return Promise.resolve({ target: 'fake target', simulated: false });
  }
  protected async runPreWriteBackup(ctx: ExecutionContext) {
    this.#enter('preWriteBackup');
    const result = await this.#inner.preWriteBackup(ctx);
    return { ...result, simulated: false, verified: this.script.backupUnverified !== true };
  }
  protected async runCutLegA(ctx: ExecutionContext, rows: readonly IURow[]) {
    this.#enter('cutLegA');
    const results = await this.#inner.cutLegA(ctx, rows);
    return results.map((r, i) => ({ ...r, simulated: false, status: i === this.script.badCutRow?.index ? this.script.badCutRow.status : r.status }));
  }
  protected async runLegBRecord(ctx: ExecutionContext) {
    this.#enter('legBRecord');
    return { ...(await this.#inner.legBRecord(ctx)), simulated: false };
  }
  protected async runVerifyResultCountFor(ctx: ExecutionContext) {
    this.#enter('verifyResultCountFor');
    return this.#inner.verifyResultCountFor(ctx);
  }
  protected async runWriteVerify(ctx: ExecutionContext, expected: VerifyExpectation) {
    this.#enter('writeVerify');
    const result = await this.#inner.writeVerify(ctx, expected);
    return { ...result, simulated: false, ok: result.ok && this.script.verifyMismatch !== true };
  }
  protected async runLifecycleEnact(ctx: ExecutionContext, request: { addresses: readonly string[]; reviewDecisionId: string }) {
    this.#enter('lifecycleEnact');
    return { ...(await this.#inner.lifecycleEnact(ctx, request)), simulated: false };
  }
  protected async runCompensateChangeSet(ctx: ExecutionContext) {
    this.#enter('compensateChangeSet');
    return { ...(await this.#inner.compensateChangeSet(ctx)), simulated: false };
  }
}

/** A live adapter whose every method records and throws: proves DRYRUN never reaches an adapter. */
export class TripwireAdapter extends LiveExecutionAdapter {
  readonly name = 'tripwire-adapter';
  readonly calls: string[] = [];
  public constructor(killSwitch: KillSwitch) {
    super(killSwitch);
  }
  #trip(method: string): never {
    this.calls.push(method);
    throw new TripwireHit('adapter', method);
  }
  protected runPrecheck(): never { return this.#trip('precheck'); }
  protected runPreWriteBackup(): never { return this.#trip('preWriteBackup'); }
  protected runCutLegA(): never { return this.#trip('cutLegA'); }
  protected runLegBRecord(): never { return this.#trip('legBRecord'); }
  protected runVerifyResultCountFor(): never { return this.#trip('verifyResultCountFor'); }
  protected runWriteVerify(): never { return this.#trip('writeVerify'); }
  protected runLifecycleEnact(): never { return this.#trip('lifecycleEnact'); }
  protected runCompensateChangeSet(): never { return this.#trip('compensateChangeSet'); }
}

/**
 * Verifies a cut change set through `adapter`, as a run does before SG_2: the database enacts only a change set whose
 * verification passed (migration 10), so a test that enacts directly verifies first.
 */
export function verified(adapter: Pick<LiveExecutionAdapter, 'writeVerify'>, ctx: ExecutionContext, rows: readonly IURow[]) {
  return adapter.writeVerify(ctx, { count: rows.length, digest: contentDigestOf(rows) });
}
