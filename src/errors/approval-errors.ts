import { CutterError } from './cutter-error.js';
import { ErrorCode } from './codes.js';

/** A gate was passed without an approval. */
export class ApprovalMissing extends CutterError {
  readonly code = ErrorCode.ApprovalMissing;
  readonly hint = 'Give the gate an approval (cutter approve <run> --gate ...).';

  constructor(gate: string) {
    super(`gate ${gate} has no approval`, { phase: gate });
  }
}

/** Why an approval was refused; stable so that journals and tests can name the reason. */
export const ApprovalRefusal = {
  WrongGate: 'wrong-gate',
  WrongRun: 'wrong-run',
  WrongChangeSet: 'wrong-change-set',
  WrongPlanHash: 'wrong-plan-hash',
  Expired: 'expired',
  SelfApproval: 'self-approval',
  BadSignature: 'bad-signature',
  UnknownApprover: 'unknown-approver',
  Malformed: 'malformed',
  MissingReviewDecision: 'missing-review-decision',
} as const;
export type ApprovalRefusal = (typeof ApprovalRefusal)[keyof typeof ApprovalRefusal];

/** An approval was given but does not hold for this gate, run, change set and plan. */
export class ApprovalInvalid extends CutterError {
  readonly code = ErrorCode.ApprovalInvalid;
  readonly hint = 'Approvals are bound to one gate, run, change set and plan hash, expire, are signed, and cannot come from the initiator.';
  readonly refusal: ApprovalRefusal;

  constructor(gate: string, refusal: ApprovalRefusal, detail: string) {
    super(`approval for gate ${gate} refused (${refusal}): ${detail}`, { phase: gate });
    this.refusal = refusal;
  }
}
