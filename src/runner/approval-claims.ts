import type { ApprovalClaims, Gate } from '../domain/approval.js';
import { InvalidInput } from '../errors/index.js';
import type { RunView } from './run-view.js';

/**
 * The claims an approver signs for the gate a run waits at: bound to its run, change set and plan hash, issued now
 * and valid for `ttlMs`. Throws when the run has not pinned a change set yet.
 */
export function approvalClaimsFor(
  view: RunView,
  request: { gate: Gate; approver: string; reason: string; ttlMs: number; reviewDecisionId?: string; notBefore?: string; policyHash?: string },
  now: number = Date.now(),
): ApprovalClaims {
  const changeSet = view.context.changeSet;
  if (changeSet === null) throw new InvalidInput('run', `run ${view.context.runId} has no pinned change set yet (state ${view.state})`);
  return {
    gate: request.gate,
    runId: view.context.runId,
    changeSetId: changeSet.changeSetId,
    planHash: changeSet.planHash,
    approver: request.approver,
    reason: request.reason,
    issuedAt: new Date(now).toISOString(),
    // The lifetime runs from when the approval starts to count.
    expiresAt: new Date(Math.max(now, request.notBefore === undefined ? now : Date.parse(request.notBefore)) + request.ttlMs).toISOString(),
    ...(request.reviewDecisionId === undefined ? {} : { reviewDecisionId: request.reviewDecisionId }),
    ...(request.notBefore === undefined ? {} : { notBefore: request.notBefore }),
    ...(request.policyHash === undefined ? {} : { policyHash: request.policyHash }),
  };
}
