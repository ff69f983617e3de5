/**
 * Approvals signed where the approver is: a request names exactly what is to be approved (run, gate, change set, plan
 * hash, the policy the run is judged by, the change set's counts and a validity window); the approver signs it on
 * their own machine, with no database and no Cutter configuration; the approval file is applied by whoever drives the
 * run. A private key never has to be on the machine that writes to the target.
 */
import { z } from 'zod';
import { GateSchema, type Approval, type ApprovalClaims, type Gate } from '../domain/approval.js';
import { fieldOfIssue } from '../domain/issue-field.js';
import { InvalidInput } from '../errors/index.js';
import { signApproval } from './signing.js';

export const APPROVAL_REQUEST_FORMAT = 'cutter-approval-request/1';

const isoInstant = z.iso.datetime({ offset: true });
const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a hex sha256');

export const ApprovalRequestSchema = z.strictObject({
  format: z.literal(APPROVAL_REQUEST_FORMAT),
  runId: z.string().min(1),
  gate: GateSchema,
  changeSetId: z.string().min(1),
  planHash: hex64,
  /** The policy the run is judged by: the approval is bound to it. */
  policyHash: hex64,
  /** What the change set does, as its plan shows it. */
  counts: z.strictObject({ rows: z.number().int().min(0), new: z.number().int().min(0), changed: z.number().int().min(0), retired: z.number().int().min(0) }),
  /** Whether the approval must cite a review decision (SG_2). */
  reviewDecisionRequired: z.boolean(),
  validity: z.strictObject({ notBefore: isoInstant.optional(), notAfter: isoInstant }),
  /** What the gate still needs when the request was made, for the approver to read. */
  needs: z.array(z.string()).default([]),
});
export type ApprovalRequest = z.infer<typeof ApprovalRequestSchema>;

/** Reads a request from its JSON text, naming the field at fault. */
export function parseApprovalRequest(text: string, source: string): ApprovalRequest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InvalidInput('request', `${source} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = ApprovalRequestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidInput(`request.${fieldOfIssue(issue, 'format')}`, `${issue?.message ?? 'invalid'} (in ${source})`);
  }
  return parsed.data;
}

export interface SignRequestOptions {
  readonly approver: string;
  readonly reason: string;
  readonly privateKeyPem: string;
  readonly reviewDecisionId?: string;
  readonly now?: Date;
}

/** Signs a request as `approver`: the claims are exactly the request's, issued now and valid until its `notAfter`. */
export function signApprovalRequest(request: ApprovalRequest, options: SignRequestOptions): Approval {
  const now = options.now ?? new Date();
  if (Date.parse(request.validity.notAfter) <= now.getTime()) {
    throw new InvalidInput('request.validity.notAfter', `the request expired at ${request.validity.notAfter}: ask for a new one (cutter approval request)`);
  }
  if (request.reviewDecisionRequired && options.reviewDecisionId === undefined) {
    throw new InvalidInput('review-decision', `${request.gate} approvals must cite the review decision they carry out (--review-decision <id>)`);
  }
  const claims: ApprovalClaims = {
    gate: request.gate,
    runId: request.runId,
    changeSetId: request.changeSetId,
    planHash: request.planHash,
    policyHash: request.policyHash,
    approver: options.approver,
    reason: options.reason,
    issuedAt: now.toISOString(),
    expiresAt: request.validity.notAfter,
    ...(request.validity.notBefore === undefined ? {} : { notBefore: request.validity.notBefore }),
    ...(options.reviewDecisionId === undefined ? {} : { reviewDecisionId: options.reviewDecisionId }),
  };
  try {
    return signApproval(claims, options.privateKeyPem);
  } catch (error) {
    throw new InvalidInput('key', `not an Ed25519 private key in PEM form (${(error as Error).message}): use the .key file cutter keys generate wrote`);
  }
}

/** The request's gate, and the gate a run waits at, must agree: a request is for one gate. */
export function assertRequestGate(request: ApprovalRequest, gate: Gate): void {
  if (request.gate !== gate) throw new InvalidInput('request.gate', `the request is for ${request.gate}, not ${gate}`);
}
