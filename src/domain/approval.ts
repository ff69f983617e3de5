import { z } from 'zod';

/** The human gates of a run. */
export const Gate = {
  /** SG_1: approves the cut. */
  Cut: 'SG_1',
  /** SG_2: approves enactment; carries the review decision id. */
  Enact: 'SG_2',
  /** SG_3: approves compensation of a torn run. */
  Compensate: 'SG_3',
} as const;
export type Gate = (typeof Gate)[keyof typeof Gate];

export const GateSchema = z.enum([Gate.Cut, Gate.Enact, Gate.Compensate]);

const isoInstant = z.iso.datetime({ offset: true });

/** The fields an approver signs: the approval is bound to exactly this gate, run, change set and plan. */
export const ApprovalClaimsSchema = z.strictObject({
  gate: GateSchema,
  runId: z.string().min(1),
  changeSetId: z.string().min(1),
  planHash: z.string().regex(/^[0-9a-f]{64}$/, 'must be a hex sha256'),
  approver: z.string().min(1).max(200),
  reason: z.string().trim().min(1, 'must say why').max(2000),
  issuedAt: isoInstant,
  expiresAt: isoInstant,
  /** Required for SG_2: the review decision this enactment carries out. */
  reviewDecisionId: z.string().min(1).max(200).optional(),
  /** The approval counts only from this instant (with `expiresAt`, its validity window, bound in the signature). */
  notBefore: isoInstant.optional(),
  /** The hash of the approval policy the approver signed under (from the approval request); must be the run's. */
  policyHash: z.string().regex(/^[0-9a-f]{64}$/, 'must be a hex sha256').optional(),
});
export type ApprovalClaims = z.infer<typeof ApprovalClaimsSchema>;

/** A signed approval: the claims plus an Ed25519 signature (base64) over their canonical JSON. */
export const ApprovalSchema = ApprovalClaimsSchema.extend({
  signature: z.string().min(1),
});
export type Approval = z.infer<typeof ApprovalSchema>;
