import type { DbSession } from '../port.js';

/** One version of an address, with the change set, run, approvers and review decision that made it what it is. */
export interface AddressVersion {
  readonly version: number;
  readonly status: string;
  readonly changeSetId: string;
  readonly runId: string | null;
  readonly cutApprover: string | null;
  readonly enactApprover: string | null;
  readonly reviewDecisionId: string | null;
  readonly supersededBy: string | null;
  readonly retiredBy: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** One change set of the target, as its run and the ledger know it. */
export interface ChangeSetEntry {
  readonly changeSetId: string;
  readonly runId: string;
  readonly rowCount: number;
  readonly state: string | null;
  readonly initiator: string | null;
  readonly cutApprover: string | null;
  readonly enactApprover: string | null;
  readonly reviewDecisionId: string | null;
  /** The ledger records of the change set: `change-set` (or `revert`, for a revert run) and a compensation's `revert`. */
  readonly ledger: readonly { readonly seq: number; readonly kind: string }[];
  /** For a revert run: the change set it reverted. */
  readonly reverts: string | null;
  readonly createdAt: string;
}

const iso = (value: Date | string | null): string => (value === null ? '' : new Date(value).toISOString());
const APPROVERS = `r.snapshot->'context'->'approvals'->'SG_1'->>'approver' AS cut_approver,
  r.snapshot->'context'->'approvals'->'SG_2'->>'approver' AS enact_approver,
  r.snapshot->'context'->'approvals'->'SG_2'->>'reviewDecisionId' AS review_decision_id`;

/** Every version of an address, oldest first (empty for an address the target never held). */
export async function readAddressHistory(session: DbSession, address: string): Promise<AddressVersion[]> {
  const { rows } = await session.query<{
    version: number; status: string; change_set_id: string; run_id: string | null; cut_approver: string | null; enact_approver: string | null;
    review_decision_id: string | null; version_review: string | null; superseded_by: string | null; retired_by: string | null; created_at: Date | string; updated_at: Date | string;
  }>(
    `SELECT v.version, v.status, v.change_set_id, c.run_id, ${APPROVERS}, v.review_decision_id AS version_review, v.superseded_by, v.retired_by, v.created_at, v.updated_at
     FROM cutter.iu_versions v LEFT JOIN cutter.change_sets c ON c.change_set_id = v.change_set_id LEFT JOIN cutter.runs r ON r.run_id = c.run_id
     WHERE v.address = $1 ORDER BY v.version`,
    [address],
  );
  return rows.map((r) => ({
    version: r.version, status: r.status, changeSetId: r.change_set_id, runId: r.run_id, cutApprover: r.cut_approver, enactApprover: r.enact_approver,
    reviewDecisionId: r.version_review ?? r.review_decision_id, supersededBy: r.superseded_by, retiredBy: r.retired_by,
    createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
  }));
}

/** The target's change sets, oldest first, with their runs' state, approvers and ledger records. */
export async function readChangeSets(session: DbSession): Promise<ChangeSetEntry[]> {
  const { rows } = await session.query<{
    change_set_id: string; run_id: string; row_count: number; state: string | null; initiator: string | null; cut_approver: string | null;
    enact_approver: string | null; review_decision_id: string | null; ledger: { seq: number; kind: string }[] | null; reverts: string | null; created_at: Date | string;
  }>(
    `SELECT c.change_set_id, c.run_id, c.row_count, r.state, r.initiator, ${APPROVERS},
       (SELECT jsonb_agg(jsonb_build_object('seq', l.seq, 'kind', l.kind) ORDER BY l.seq) FROM cutter.ledger l WHERE l.change_set_id = c.change_set_id) AS ledger,
       (SELECT l.payload->>'reverts' FROM cutter.ledger l WHERE l.change_set_id = c.change_set_id AND l.payload ? 'reverts' LIMIT 1) AS reverts,
       c.created_at
     FROM cutter.change_sets c LEFT JOIN cutter.runs r ON r.run_id = c.run_id ORDER BY c.created_at, c.change_set_id`,
  );
  return rows.map((r) => ({
    changeSetId: r.change_set_id, runId: r.run_id, rowCount: r.row_count, state: r.state, initiator: r.initiator, cutApprover: r.cut_approver,
    enactApprover: r.enact_approver, reviewDecisionId: r.review_decision_id, ledger: (r.ledger ?? []).map((l) => ({ seq: l.seq, kind: l.kind })),
    reverts: r.reverts, createdAt: iso(r.created_at),
  }));
}
