import { ApprovalSchema, Gate, type Approval } from '../domain/approval.js';
import { ApprovalInvalid, ApprovalRefusal, InvalidInput } from '../errors/index.js';
import { fieldOfIssue } from '../domain/issue-field.js';
import { canonicalIdentity, entryFor } from '../domain/identity.js';
import { publicKeyOf, type ApprovalPolicy } from '../policy/resolve.js';
import { signatureValid } from './signing.js';

export type { ApprovalPolicy } from '../policy/resolve.js';

/** What an approval must match: the gate being passed and the run, change set and plan it guards. */
export interface ApprovalExpectation {
  readonly gate: Gate;
  readonly runId: string;
  readonly changeSetId: string;
  readonly planHash: string;
  readonly initiator: string;
}

export type ApprovalCheck =
  | { readonly ok: true; readonly approval: Approval }
  | { readonly ok: false; readonly refusal: ApprovalRefusal; readonly detail: string };

/**
 * Checks an approval against the gate it is offered to. Order matters only for the reason reported; every check must
 * pass. Pure apart from the clock, and synchronous, so the machine's guard can call it.
 *
 * @throws {InvalidInput} when `expected` or `policy` is missing (a malformed candidate is a refusal, not a throw).
 */
export function checkApproval(candidate: unknown, expected: ApprovalExpectation, policy: ApprovalPolicy): ApprovalCheck {
  // The candidate may be anything (it is judged); what it is judged against must be given.
  if (typeof expected !== 'object' || expected === null) throw new InvalidInput('expected', 'must say what the approval must match: { gate, runId, changeSetId, planHash, initiator }');
  if (typeof policy !== 'object' || policy === null) throw new InvalidInput('policy', 'must be the approval policy ({ approvers, ... })');
  const parsed = ApprovalSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, refusal: ApprovalRefusal.Malformed, detail: `${fieldOfIssue(issue, 'approval')}: ${issue?.message ?? 'malformed'}` };
  }
  const approval = parsed.data;
  const refuse = (refusal: ApprovalRefusal, detail: string): ApprovalCheck => ({ ok: false, refusal, detail });

  if (approval.gate !== expected.gate) return refuse(ApprovalRefusal.WrongGate, `approval is for ${approval.gate}, this gate is ${expected.gate}`);
  if (approval.runId !== expected.runId) return refuse(ApprovalRefusal.WrongRun, `approval is for run ${approval.runId}`);
  if (approval.changeSetId !== expected.changeSetId) {
    return refuse(ApprovalRefusal.WrongChangeSet, `approval is for change set ${approval.changeSetId}, not ${expected.changeSetId}`);
  }
  if (approval.planHash !== expected.planHash) {
    return refuse(ApprovalRefusal.WrongPlanHash, `approval is for plan ${approval.planHash.slice(0, 12)}, not ${expected.planHash.slice(0, 12)}`);
  }
  const now = (policy.now ?? (() => new Date()))().getTime();
  if (Date.parse(approval.expiresAt) <= now) return refuse(ApprovalRefusal.Expired, `approval expired at ${approval.expiresAt}`);
  if (Date.parse(approval.issuedAt) > Date.parse(approval.expiresAt)) {
    return refuse(ApprovalRefusal.Malformed, 'issuedAt is after expiresAt');
  }
  if (approval.notBefore !== undefined && Date.parse(approval.notBefore) >= Date.parse(approval.expiresAt)) {
    return refuse(ApprovalRefusal.Malformed, 'notBefore is not before expiresAt');
  }
  if (expected.gate === Gate.Enact && approval.reviewDecisionId === undefined) {
    return refuse(ApprovalRefusal.MissingReviewDecision, 'SG_2 approvals must carry a reviewDecisionId');
  }
  if (canonicalIdentity(approval.approver) === canonicalIdentity(expected.initiator) && policy.allowSelfApproval !== true) {
    const as = approval.approver === expected.initiator ? '' : ` (as ${expected.initiator})`;
    return refuse(ApprovalRefusal.SelfApproval, `${approval.approver} started this run${as} and may not approve it`);
  }
  const entry = entryFor(policy.approvers, approval.approver);
  const publicKey = entry === undefined ? undefined : publicKeyOf(entry);
  if (publicKey === undefined) return refuse(ApprovalRefusal.UnknownApprover, `${approval.approver} is not a configured approver`);
  if (!signatureValid(approval, publicKey)) return refuse(ApprovalRefusal.BadSignature, `signature does not verify for ${approval.approver}`);
  return { ok: true, approval };
}

/** Like {@link checkApproval}, but throws {@link ApprovalInvalid}. */
export function assertApprovalValid(candidate: unknown, expected: ApprovalExpectation, policy: ApprovalPolicy): Approval {
  const check = checkApproval(candidate, expected, policy);
  if (!check.ok) throw new ApprovalInvalid(expected.gate, check.refusal, check.detail);
  return check.approval;
}
