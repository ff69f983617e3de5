/**
 * Executors whose phase outcomes follow a model path: each phase call takes the next scripted outcome (success,
 * success with the kill switch turned OFF as it returns, a verify mismatch, an unverified backup, or a failure).
 * Once the script runs out, phases succeed.
 */
import type { IURow } from '../../src/domain/iu.js';
import { ProductionExecutionNotAuthorized } from '../../src/errors/index.js';
import type { ExecutionContext, VerifyExpectation } from '../../src/executors/executor.js';
import { LiveExecutionAdapter } from '../../src/executors/live-adapter.js';
import { DryRunSimulator } from '../../src/executors/simulator.js';
import type { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import type { Outcome } from './run-model.js';


/** What happened, in order, for the invariant checks. */
export type TimelineEntry = { readonly call: string; readonly switchOn: boolean } | { readonly approved: string };

/** The script and the timeline shared by the executor of one replay. */
export class Script {
  readonly timeline: TimelineEntry[] = [];
  readonly #outcomes: Outcome[];
  readonly #killSwitch: InMemoryKillSwitch;

  constructor(outcomes: readonly Outcome[], killSwitch: InMemoryKillSwitch) {
    this.#outcomes = [...outcomes];
    this.#killSwitch = killSwitch;
  }

  /** Called by a phase method: records the call, fails as scripted, or returns a hook to run as the phase returns. */
  enter(actorId: string, call: string): { verified: boolean; verifyOk: boolean; leave: () => void } {
    this.timeline.push({ call, switchOn: this.#killSwitch.executionEnabled() });
    const next = this.#outcomes[0]?.actorId === actorId ? this.#outcomes.shift() : undefined;
    if (next?.kind === 'error') {
      throw next.flags.errorKind === 'killSwitch' ? new ProductionExecutionNotAuthorized(call, 'database') : new Error(`injected failure in ${call}`);
    }
    const flags = next?.flags ?? {};
    return {
      verified: flags.verified !== false,
      verifyOk: flags.verifyOk !== false,
      leave: () => { if (flags.killSwitch === 'off') this.#killSwitch.turnOff(); },
    };
  }

  approved(gate: string): void {
    this.timeline.push({ approved: gate });
  }
}

/** The LIVE side: a real LiveExecutionAdapter subclass (so the executor lock is in force) following the script. */
export class ScriptedLiveAdapter extends LiveExecutionAdapter {
  readonly name = 'scripted-live-adapter';
  readonly #inner = new DryRunSimulator();
  readonly #script: Script;

  constructor(killSwitch: InMemoryKillSwitch, script: Script) {
    super(killSwitch);
    this.#script = script;
  }

  protected runPrecheck() {
    this.#script.enter('precheck', 'precheck').leave();
    return Promise.resolve({ target: 'scripted', simulated: false });
  }
  protected async runPreWriteBackup(ctx: ExecutionContext) {
    const step = this.#script.enter('backup', 'preWriteBackup');
    const result = { ...(await this.#inner.preWriteBackup(ctx)), verified: step.verified, simulated: false };
    step.leave();
    return result;
  }
  protected async runCutLegA(ctx: ExecutionContext, rows: readonly IURow[]) {
    const step = this.#script.enter('cut', 'cutLegA');
    const result = (await this.#inner.cutLegA(ctx, rows)).map((r) => ({ ...r, simulated: false }));
    step.leave();
    return result;
  }
  protected async runLegBRecord(ctx: ExecutionContext) {
    const step = this.#script.enter('ledger', 'legBRecord');
    const result = { ...(await this.#inner.legBRecord(ctx)), simulated: false };
    step.leave();
    return result;
  }
  protected runVerifyResultCountFor(ctx: ExecutionContext) {
    return this.#inner.verifyResultCountFor(ctx);
  }
  protected async runWriteVerify(ctx: ExecutionContext, expected: VerifyExpectation) {
    const step = this.#script.enter('verify', 'writeVerify');
    const result = await this.#inner.writeVerify(ctx, expected);
    step.leave();
    return { ...result, ok: result.ok && step.verifyOk, simulated: false };
  }
  protected async runLifecycleEnact(ctx: ExecutionContext, request: { addresses: readonly string[]; reviewDecisionId: string }) {
    const step = this.#script.enter('enact', 'lifecycleEnact');
    const result = { ...(await this.#inner.lifecycleEnact(ctx, request)), simulated: false };
    step.leave();
    return result;
  }
  protected async runCompensateChangeSet(ctx: ExecutionContext) {
    const step = this.#script.enter('compensate', 'compensateChangeSet');
    const result = { ...(await this.#inner.compensateChangeSet(ctx)), simulated: false };
    step.leave();
    return result;
  }
}

/** The DRYRUN side: the real simulator following the script. */
export class ScriptedSimulator extends DryRunSimulator {
  readonly #script: Script;

  constructor(script: Script) {
    super();
    this.#script = script;
  }

  override precheck() {
    this.#script.enter('precheck', 'precheck').leave();
    return super.precheck();
  }
  override async preWriteBackup(ctx: ExecutionContext) {
    const step = this.#script.enter('backup', 'preWriteBackup');
    const result = { ...(await super.preWriteBackup(ctx)), verified: step.verified };
    step.leave();
    return result;
  }
  override async cutLegA(ctx: ExecutionContext, rows: readonly IURow[]) {
    const step = this.#script.enter('cut', 'cutLegA');
    const result = await super.cutLegA(ctx, rows);
    step.leave();
    return result;
  }
  override async legBRecord(ctx: ExecutionContext) {
    const step = this.#script.enter('ledger', 'legBRecord');
    const result = await super.legBRecord(ctx);
    step.leave();
    return result;
  }
  override async writeVerify(ctx: ExecutionContext, expected: VerifyExpectation) {
    const step = this.#script.enter('verify', 'writeVerify');
    const result = await super.writeVerify(ctx, expected);
    step.leave();
    return { ...result, ok: result.ok && step.verifyOk };
  }
  override async lifecycleEnact(ctx: ExecutionContext, request: { addresses: readonly string[]; reviewDecisionId: string }) {
    const step = this.#script.enter('enact', 'lifecycleEnact');
    const result = await super.lifecycleEnact(ctx, request);
    step.leave();
    return result;
  }
  override async compensateChangeSet(ctx: ExecutionContext) {
    const step = this.#script.enter('compensate', 'compensateChangeSet');
    const result = await super.compensateChangeSet(ctx);
    step.leave();
    return result;
  }
}
