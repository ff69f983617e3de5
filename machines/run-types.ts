import type { Approval, Gate } from '../src/domain/approval.js';
import type { ChangeSet } from '../src/domain/change-set.js';
import type { Mode } from '../src/domain/mode.js';
import type { BackupResult, CompensationResult, LegBResult, VerifyResult } from '../src/domain/results.js';
import type { ErrorRecord } from './error-record.js';

/** The invoke ids of the phases; also the names of the actors the runner binds. */
export const PhaseId = {
  Precheck: 'precheck',
  Planning: 'planning',
  Backup: 'backup',
  Cut: 'cut',
  Ledger: 'ledger',
  Verify: 'verify',
  Enact: 'enact',
  Compensate: 'compensate',
} as const;
export type PhaseId = (typeof PhaseId)[keyof typeof PhaseId];

/** Phases whose commit changes the target: once one has committed, a failure leaves the run torn. */
export type MutatingPhase = typeof PhaseId.Cut | typeof PhaseId.Ledger | typeof PhaseId.Enact;

/**
 * States a halted run can resume into: the phase that was about to run, or that was refused for a reason that passes
 * (the kill switch, a busy or unreachable target, a missing collaborator), when the run halted.
 */
export const ResumableState = {
  BackingUp: 'backingUp',
  Cutting: 'cutting',
  RecordingLedger: 'recordingLedger',
  Verifying: 'verifying',
  Enacting: 'enacting',
} as const;
export type ResumableState = (typeof ResumableState)[keyof typeof ResumableState];

/** What the run is created with. Plain JSON. */
export interface RunInput {
  readonly runId: string;
  readonly mode: Mode;
  /** Who started the run; by default they may not approve it. */
  readonly initiator: string;
  /** The plan hash the caller pinned (and showed the approvers), if any: planning refuses content that differs. */
  readonly expectedPlanHash: string | null;
  /** The hash of the approval policy in force when the run was created: the run is judged by it until a person re-binds it. */
  readonly policyHash?: string | null;
}

/** What every mutating phase actor receives. */
export interface PhaseInput {
  readonly runId: string;
  readonly mode: Mode;
  readonly changeSet: ChangeSet;
}

export interface EnactInput extends PhaseInput {
  readonly reviewDecisionId: string;
}

export interface PrecheckOutput {
  readonly executor: string;
  readonly target: string;
  readonly rowCount: number;
}

/** The cut phase's output kept in context: a summary, since a change set may have 100k rows. */
export interface CutSummary {
  readonly changeSetId: string;
  readonly created: number;
  readonly simulated: boolean;
}

export interface EnactSummary {
  readonly changeSetId: string;
  readonly reviewDecisionId: string;
  readonly enacted: number;
  readonly supersededCount: number;
  /** Absent in runs enacted before retirements existed. */
  readonly retiredCount?: number;
  readonly lifecycleLogRows: number;
  readonly simulated: boolean;
}

/** An approval a gate accepted, as the run keeps it. */
export interface ApprovalRecord {
  readonly gate: Gate;
  readonly approver: string;
  readonly reason: string;
  readonly issuedAt: string;
  readonly expiresAt: string;
  readonly reviewDecisionId?: string;
  /** The approval counts only from this instant. */
  readonly notBefore?: string;
  /** The policy the approval was collected under (the run's, when it was collected). */
  readonly policyHash?: string;
}

/**
 * An approval (or resume) a gate refused, or a gate that did not open (`policy`: the policy is not met yet, or a
 * re-bind was refused). Journalled, never silent.
 */
export interface Refusal {
  readonly gate: Gate | 'kill-switch' | 'executor' | 'policy';
  readonly code: string;
  readonly reason: string;
}

export interface PhaseResults {
  readonly precheck?: PrecheckOutput;
  readonly backup?: BackupResult;
  readonly cut?: CutSummary;
  readonly ledger?: LegBResult;
  readonly verify?: VerifyResult;
  readonly enact?: EnactSummary;
  readonly compensation?: CompensationResult;
}

/** The run's context. Plain JSON only (it is persisted): no class instances, Dates, Maps or functions. */
export interface RunContext {
  readonly runId: string;
  readonly mode: Mode;
  readonly initiator: string;
  readonly expectedPlanHash: string | null;
  readonly changeSet: ChangeSet | null;
  /** The approval policy the run is judged by (its hash); null for runs stored before policies (judged by the one in force). */
  readonly policyHash: string | null;
  /** The approval that opened each gate passed. */
  readonly approvals: Partial<Record<Gate, ApprovalRecord>>;
  /** Every approval collected at each gate, in order: the policy counts them (quorum, groups, validity). */
  readonly collected: Partial<Record<Gate, readonly ApprovalRecord[]>>;
  readonly results: PhaseResults;
  /** Mutating phases that committed (in DRYRUN: that the simulator reported as committed). */
  readonly committed: readonly MutatingPhase[];
  readonly refusals: readonly Refusal[];
  readonly error: ErrorRecord | null;
  readonly haltedBefore: ResumableState | null;
  /** Why the run is torn, when it is. */
  readonly tornReason: string | null;
}

/** Events a person or host sends to a run. */
export type RunEvent =
  | { readonly type: 'START' }
  | { readonly type: 'APPROVE'; readonly approval: Approval }
  | { readonly type: 'REJECT'; readonly gate: Gate; readonly by: string; readonly reason: string }
  | { readonly type: 'CANCEL'; readonly by: string; readonly reason: string }
  | { readonly type: 'RESUME'; readonly by: string }
  | { readonly type: 'BIND_POLICY'; readonly policyHash: string; readonly by: string; readonly reason: string }
  | { readonly type: 'ESCALATE'; readonly by: string; readonly reason: string };

/** How a run ended. */
export const FinalStatus = {
  Completed: 'completed',
  Refused: 'refused',
  Failed: 'failed',
  Rejected: 'rejected',
  Cancelled: 'cancelled',
  Compensated: 'compensated',
  CompensationFailed: 'compensationFailed',
  CompensationDeclined: 'compensationDeclined',
} as const;
export type FinalStatus = (typeof FinalStatus)[keyof typeof FinalStatus];

/** A finished run's output. */
export interface RunOutput {
  readonly status: FinalStatus;
  readonly runId: string;
  readonly mode: Mode;
  readonly changeSetId: string | null;
  readonly planHash: string | null;
  /** The mutating phases that committed: always empty for a DRYRUN, which writes nothing (see `wouldCommit`). */
  readonly committed: readonly MutatingPhase[];
  /** DRYRUN only: the phases a LIVE run on the same target would have committed. */
  readonly wouldCommit?: readonly MutatingPhase[];
  readonly error: ErrorRecord | null;
  readonly results: PhaseResults;
}
