import type { CutSummary, EnactSummary } from '../../machines/run-types.js';
import type { ChangeSet } from '../domain/change-set.js';
import type { PinnedPlanFacts } from '../domain/pinned-plan-facts.js';
import type { Cutplan } from '../domain/cutplan.js';
import type { IURow } from '../domain/iu.js';
import type { Mode } from '../domain/mode.js';
import type {
  BackupResult,
  CompensationResult,
  EnactBatchResult,
  IUCreateResult,
  LegBResult,
  VerifyResult,
} from '../domain/results.js';

/** What every executor call receives: which run, which change set, and the actor's abort signal. */
export interface ExecutionContext {
  readonly runId: string;
  readonly mode: Mode;
  readonly changeSet: ChangeSet;
  /** Aborts when the run leaves the phase or stops; a live adapter cancels its running statement. */
  readonly signal?: AbortSignal;
  /**
   * The token of the process's hold on the run, when it holds it: a live adapter whose target keeps the holds checks it
   * inside the phase's transaction and refuses (`E_RUN_BUSY`) if another process has taken the run.
   */
  readonly holdToken?: string;
  /**
   * The run's record that it entered this phase (record before effect), still being written: given only to an executor
   * that {@link Executor.awaitsRecordBeforeCommit}, which awaits it before its phase commits and commits nothing if it
   * rejects. An executor without that flag is entered only once the record is written.
   */
  readonly recorded?: Promise<void>;
}

/** What enactment does: enact the drafts at `addresses` (superseding what they replace), and retire `retire`. */
export interface EnactRequest {
  readonly addresses: readonly string[];
  readonly reviewDecisionId: string;
  /** Addresses whose enacted version the change set retires (its rows with action `retire`). */
  readonly retire?: readonly string[];
}

/** What verification compares the target against: derived from the pinned plan. */
export interface VerifyExpectation {
  readonly count: number;
  /** {@link contentDigestOf} over the plan's rows. */
  readonly digest: string;
}

/** A plan pinned in the target by planning: its hash and size, and the target's fingerprint when it was pinned. */
export interface PinnedPlan {
  readonly planHash: string;
  readonly rowCount: number;
  readonly fingerprint: string;
  readonly at: string;
}

/** What a precheck found: the target answers and is fit for this run. Non-mutating. */
export interface PrecheckReport {
  /** A description of the target for reports (database name, schema version); never a credential. */
  readonly target: string;
  readonly simulated: boolean;
}

/** Names of the executor's methods, one per step (the six of the seam plus compensation). */
export const ExecutorMethod = {
  Precheck: 'precheck',
  PreWriteBackup: 'preWriteBackup',
  CutLegA: 'cutLegA',
  LegBRecord: 'legBRecord',
  VerifyResultCountFor: 'verifyResultCountFor',
  WriteVerify: 'writeVerify',
  LifecycleEnact: 'lifecycleEnact',
  CompensateChangeSet: 'compensateChangeSet',
} as const;
export type ExecutorMethod = (typeof ExecutorMethod)[keyof typeof ExecutorMethod];

/**
 * The executor seam: what answers each phase of a run. The DRYRUN simulator and every live adapter implement it and
 * return the same result types, so nothing after a phase depends on the mode.
 *
 * The six methods of the predecessor's seam, plus a non-mutating `precheck` before planning and
 * `compensateChangeSet` for SG_3.
 */
export interface Executor {
  /** The mode this executor answers for; a run refuses an executor of the other mode. */
  readonly mode: Mode;
  /** A name for logs and reports, never a credential. */
  readonly name: string;
  /**
   * True if each phase of this executor awaits `ctx.recorded` before it commits (and rolls back if it rejects): the
   * runner may then start a phase while the record of its start is still being written, instead of before.
   */
  readonly awaitsRecordBeforeCommit?: boolean;

  /** Non-mutating readiness check of the target (reachable, schema version, switch readable). */
  precheck(ctx: { readonly runId: string; readonly mode: Mode; readonly signal?: AbortSignal }): Promise<PrecheckReport>;
  preWriteBackup(ctx: ExecutionContext): Promise<BackupResult>;
  cutLegA(ctx: ExecutionContext, rows: readonly IURow[]): Promise<readonly IUCreateResult[]>;
  legBRecord(ctx: ExecutionContext): Promise<LegBResult>;
  verifyResultCountFor(ctx: ExecutionContext): Promise<number>;
  writeVerify(ctx: ExecutionContext, expected: VerifyExpectation): Promise<VerifyResult>;
  lifecycleEnact(ctx: ExecutionContext, request: EnactRequest): Promise<EnactBatchResult>;
  compensateChangeSet(ctx: ExecutionContext): Promise<CompensationResult>;
  /**
   * Reads the plan's addresses in the target (non-mutating) and returns a fingerprint of their state, taken when the
   * change set is pinned. Optional: an executor without it pins no fingerprint, and the cut checks none.
   */
  fingerprintTarget?(ctx: { readonly runId: string; readonly signal?: AbortSignal }, addresses: readonly string[]): Promise<{ fingerprint: string; at: string }>;
  /**
   * Planning in the target: stores the plan there for this run (hashing it as it goes) and fingerprints its addresses,
   * in one transaction, refusing with PlanPinMismatch if `expectedPlanHash` is given and differs. Optional: an executor
   * with it cuts from the pinned rows (they cross the wire once), and a run store in the same database reads the
   * run's plan from the pin instead of storing it again.
   */
  pinPlan?(ctx: { readonly runId: string; readonly signal?: AbortSignal }, plan: Cutplan, expectedPlanHash: string | null): Promise<PinnedPlan>;
  /**
   * Optional, for runs whose plan is pinned in the target and known by its facts ({@link PinnedPlanFacts}, created by
   * pinSourceRows or restored from the pin): the pin planning finds (read-only), the cut and the enactment driven by
   * the pin server-side, each reporting counts, never a result per row. A run is created from facts only with an
   * executor that has all three.
   */
  findPinnedPlan?(ctx: { readonly runId: string; readonly signal?: AbortSignal }): Promise<PinnedPlan | undefined>;
  cutPinned?(ctx: ExecutionContext, facts: PinnedPlanFacts): Promise<CutSummary>;
  enactPinned?(ctx: ExecutionContext, reviewDecisionId: string, facts: PinnedPlanFacts): Promise<EnactSummary>;
  /** Gives back whatever the run holds on the target (its lease) when it ends. Optional; never throws. */
  releaseTarget?(ctx: { readonly runId: string; readonly holdToken?: string }): Promise<void>;
}
