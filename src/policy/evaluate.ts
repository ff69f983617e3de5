/**
 * The policy, applied: what a gate needs for this run, whether an approval may be collected there, and whether the
 * gate opens. Every function here is pure (a function of the policy, the run's facts and approvals, and the instant
 * given), so the machine's guards can call them and a property test can drive them with any policy and any clock.
 */
import type { ApprovalRecord } from '../../machines/run-types.js';
import { Gate } from '../domain/approval.js';
import { canonicalIdentity } from '../domain/identity.js';
import { approverOf, durationSeconds, eligibleApprovers, type PolicyDocument, type ResolvedPolicy } from './policy.js';
import { describeOpening, nextOpening, windowOpenAt } from './windows.js';

export { matchingRiskRules, matchingRiskRulesOf, type RiskFacts } from './risk-rules.js';

/** One set of windows of which one must be open, and who asked for it (the gate itself, or a risk rule). */
export interface WindowRequirement {
  readonly source: string;
  readonly anyOf: readonly string[];
}

/** What a gate needs for one run: its rules, raised by the risk rules that hold. */
export interface GateRequirements {
  readonly gate: Gate;
  readonly quorum: number;
  readonly groups: Readonly<Record<string, number>>;
  readonly windows: readonly WindowRequirement[];
  readonly eligible: readonly string[];
  readonly maxLifetimeSeconds: number;
  readonly defaultLifetimeSeconds: number;
  /** The risk rules that raised something here. */
  readonly raisedBy: readonly string[];
}

export function gateRequirements(document: PolicyDocument, gate: Gate, riskRules: readonly string[]): GateRequirements {
  const rules = document.gates[gate];
  let quorum = rules.quorum;
  const groups: Record<string, number> = { ...rules.groups };
  const windows: WindowRequirement[] = rules.windows.length === 0 ? [] : [{ source: gate, anyOf: rules.windows }];
  const raisedBy: string[] = [];
  for (const rule of document.risk) {
    const raise = rule.raise[gate];
    if (raise === undefined || !riskRules.includes(rule.name)) continue;
    raisedBy.push(rule.name);
    quorum = Math.max(quorum, raise.quorum ?? 1);
    for (const [group, need] of Object.entries(raise.groups ?? {})) groups[group] = Math.max(groups[group] ?? 0, need);
    if (raise.windows !== undefined) windows.push({ source: rule.name, anyOf: raise.windows });
  }
  return {
    gate,
    quorum,
    groups,
    windows,
    eligible: eligibleApprovers(document, gate),
    maxLifetimeSeconds: durationSeconds(rules.approvalLifetime.max) ?? 0,
    defaultLifetimeSeconds: durationSeconds(rules.approvalLifetime.default) ?? 0,
    raisedBy,
  };
}

/** What the policy reads of a run: who started it, the policy it is bound to, and the approvals it holds. */
export interface RunApprovals {
  readonly initiator: string;
  /** The hash of the policy the run was created under (or re-bound to); null for runs stored before policies. */
  readonly policyHash: string | null;
  /** The approval that opened each gate passed. */
  readonly approvals: Partial<Record<Gate, ApprovalRecord>>;
  /** The approvals collected at each gate, in order. */
  readonly collected: Partial<Record<Gate, readonly ApprovalRecord[]>>;
}

/** A rule of the policy that a gate does not meet yet. */
export type Unmet =
  | { readonly code: 'E_POLICY_CHANGED'; readonly bound: string; readonly inForce: string }
  | { readonly code: 'E_APPROVAL_QUORUM'; readonly need: number; readonly have: readonly string[]; readonly from: readonly string[] }
  | { readonly code: 'E_APPROVAL_GROUP'; readonly group: string; readonly need: number; readonly have: readonly string[]; readonly from: readonly string[] }
  | { readonly code: 'E_CHANGE_WINDOW_CLOSED'; readonly source: string; readonly windows: readonly string[]; readonly opensAt: string | null; readonly opensAtText: string | null };

/** An approval collected at the gate that does not count now, and why. */
export interface NotCounted {
  readonly approver: string;
  readonly why: 'expired' | 'not yet valid' | 'under another policy' | 'no longer an approver' | 'not eligible at this gate' | 'same approver';
  readonly at?: string;
}

export interface GateEvaluation {
  readonly gate: Gate;
  /** Every rule is met: the gate opens (the kill switch aside, which is the machine's own lock). */
  readonly open: boolean;
  readonly requirements: GateRequirements;
  /** The approvals that count, one per person. */
  readonly counted: readonly ApprovalRecord[];
  readonly notCounted: readonly NotCounted[];
  readonly unmet: readonly Unmet[];
}

const at = (iso: string) => Date.parse(iso);

/** Why an approval collected at a gate would not count at `now`, if it would not. */
function whyNotCounted(policy: ResolvedPolicy, run: RunApprovals, requirements: GateRequirements, record: ApprovalRecord, now: number): NotCounted['why'] | null {
  if (at(record.expiresAt) <= now) return 'expired';
  if (record.notBefore !== undefined && at(record.notBefore) > now) return 'not yet valid';
  // A run stored before policies is judged by the one in force: the same binding admitApproval checks.
  if (record.policyHash !== undefined && record.policyHash !== (run.policyHash ?? policy.hash)) return 'under another policy';
  if (approverOf(policy.document, record.approver) === undefined) return 'no longer an approver';
  if (!requirements.eligible.some((name) => canonicalIdentity(name) === canonicalIdentity(record.approver))) return 'not eligible at this gate';
  return null;
}

/** The people who approved gates of this run other than `gate` (separation of duties). */
function approversOfOtherGates(run: RunApprovals, gate: Gate): Set<string> {
  const names = new Set<string>();
  for (const other of Object.values(Gate)) {
    if (other === gate) continue;
    const opened = run.approvals[other];
    if (opened !== undefined) names.add(canonicalIdentity(opened.approver));
    for (const record of run.collected[other] ?? []) names.add(canonicalIdentity(record.approver));
  }
  return names;
}

/** Who could still approve `gate` for this run: eligible, not counted yet, not the initiator, not barred by separation. */
function stillEligible(policy: ResolvedPolicy, run: RunApprovals, requirements: GateRequirements, counted: readonly ApprovalRecord[]): string[] {
  const taken = new Set(counted.map((r) => canonicalIdentity(r.approver)));
  const others = policy.document.allowSameApproverAcrossGates ? new Set<string>() : approversOfOtherGates(run, requirements.gate);
  const initiator = canonicalIdentity(run.initiator);
  return requirements.eligible.filter((name) => {
    const id = canonicalIdentity(name);
    return !taken.has(id) && !others.has(id) && (policy.document.allowSelfApproval || id !== initiator);
  });
}

/**
 * Whether `gate` opens at `now` with the approvals collected (and `candidate`, one being offered, as if collected).
 * Pure: the same policy, run, approvals and instant always give the same answer.
 */
export function evaluateGate(
  policy: ResolvedPolicy,
  gate: Gate,
  riskRules: readonly string[],
  run: RunApprovals,
  now: Date,
  candidate?: ApprovalRecord,
): GateEvaluation {
  const requirements = gateRequirements(policy.document, gate, riskRules);
  const instant = now.getTime();
  const unmet: Unmet[] = [];
  if (run.policyHash !== null && run.policyHash !== policy.hash) unmet.push({ code: 'E_POLICY_CHANGED', bound: run.policyHash, inForce: policy.hash });

  const counted: ApprovalRecord[] = [];
  const notCounted: NotCounted[] = [];
  const seen = new Set<string>();
  for (const record of [...(run.collected[gate] ?? []), ...(candidate === undefined ? [] : [candidate])]) {
    const why = whyNotCounted(policy, run, requirements, record, instant);
    const id = canonicalIdentity(record.approver);
    if (why !== null) notCounted.push({ approver: record.approver, why, ...(why === 'expired' ? { at: record.expiresAt } : why === 'not yet valid' && record.notBefore !== undefined ? { at: record.notBefore } : {}) });
    else if (seen.has(id)) notCounted.push({ approver: record.approver, why: 'same approver' });
    else {
      seen.add(id);
      counted.push(record);
    }
  }

  const from = stillEligible(policy, run, requirements, counted);
  if (counted.length < requirements.quorum) {
    unmet.push({ code: 'E_APPROVAL_QUORUM', need: requirements.quorum, have: counted.map((r) => r.approver), from });
  }
  const groupsOf = (name: string) => approverOf(policy.document, name)?.approver.groups ?? [];
  for (const [group, need] of Object.entries(requirements.groups)) {
    const have = counted.filter((r) => groupsOf(r.approver).includes(group)).map((r) => r.approver);
    if (have.length < need) unmet.push({ code: 'E_APPROVAL_GROUP', group, need, have, from: from.filter((n) => groupsOf(n).includes(group)) });
  }
  for (const requirement of requirements.windows) {
    const windows = requirement.anyOf.map((name) => ({ name, window: policy.document.windows[name] }));
    if (windows.some(({ window }) => window !== undefined && windowOpenAt(window, now))) continue;
    const openings = windows
      .map(({ window }) => (window === undefined ? null : { window, at: nextOpening(window, now) }))
      .filter((o): o is { window: NonNullable<typeof o>['window']; at: Date } => o !== null && o.at !== null)
      .sort((a, b) => a.at.getTime() - b.at.getTime());
    const first = openings[0];
    unmet.push({
      code: 'E_CHANGE_WINDOW_CLOSED',
      source: requirement.source,
      windows: requirement.anyOf,
      opensAt: first === undefined ? null : first.at.toISOString(),
      opensAtText: first === undefined ? null : describeOpening(first.window, first.at),
    });
  }
  return { gate, open: unmet.length === 0, requirements, counted, notCounted, unmet };
}

/** Why an approval may not be collected at a gate, by the policy's rules (its signature and binding are checked apart). */
export interface AdmissionRefusal {
  readonly code: 'E_POLICY_CHANGED' | 'E_APPROVAL_POLICY_MISMATCH' | 'E_APPROVAL_LIFETIME' | 'E_APPROVAL_NOT_ELIGIBLE' | 'E_APPROVAL_DUPLICATE' | 'E_APPROVAL_SEPARATION' | 'E_APPROVAL_REVIEW_DECISION';
  readonly detail: string;
}

/**
 * Whether `record`, an approval whose signature and binding to this run already hold, may be collected at `gate`.
 * A collected approval counts toward the gate while it is valid; this refuses only what could never count.
 */
export function admitApproval(
  policy: ResolvedPolicy,
  gate: Gate,
  riskRules: readonly string[],
  run: RunApprovals,
  record: ApprovalRecord,
  now: Date,
): AdmissionRefusal | null {
  const short = (hash: string) => hash.slice(0, 12);
  if (run.policyHash !== null && run.policyHash !== policy.hash) {
    return { code: 'E_POLICY_CHANGED', detail: `the run was created under policy ${short(run.policyHash)}, and the policy in force is ${short(policy.hash)}: a person must bind the run to it first (cutter policy bind)` };
  }
  const bound = run.policyHash ?? policy.hash;
  if (record.policyHash !== undefined && record.policyHash !== bound) {
    return { code: 'E_APPROVAL_POLICY_MISMATCH', detail: `the approval was signed under policy ${short(record.policyHash)}, and the run is bound to ${short(bound)}` };
  }
  const requirements = gateRequirements(policy.document, gate, riskRules);
  const lifetime = (at(record.expiresAt) - (record.notBefore === undefined ? at(record.issuedAt) : Math.max(at(record.issuedAt), at(record.notBefore)))) / 1000;
  if (lifetime > requirements.maxLifetimeSeconds) {
    return { code: 'E_APPROVAL_LIFETIME', detail: `the approval lasts ${formatSeconds(lifetime)}; the policy allows at most ${formatSeconds(requirements.maxLifetimeSeconds)} at ${gate}` };
  }
  const id = canonicalIdentity(record.approver);
  if (!requirements.eligible.some((name) => canonicalIdentity(name) === id)) {
    const groups = policy.document.gates[gate].eligibleGroups;
    const only = groups === undefined ? 'configured approvers may' : `members of ${groups.join(' or ')} may`;
    return { code: 'E_APPROVAL_NOT_ELIGIBLE', detail: `${record.approver} may not approve ${gate}: only ${only}` };
  }
  const instant = now.getTime();
  const earlier = (run.collected[gate] ?? []).find((r) => canonicalIdentity(r.approver) === id && at(r.expiresAt) > instant);
  if (earlier !== undefined) {
    return { code: 'E_APPROVAL_DUPLICATE', detail: `${record.approver} already approved ${gate} of this run (valid until ${earlier.expiresAt}); the policy counts distinct people` };
  }
  if (!policy.document.allowSameApproverAcrossGates && approversOfOtherGates(run, gate).has(id)) {
    const other = Object.values(Gate).find((g) => g !== gate && [run.approvals[g], ...(run.collected[g] ?? [])].some((r) => r !== undefined && canonicalIdentity(r.approver) === id));
    return { code: 'E_APPROVAL_SEPARATION', detail: `${record.approver} approved ${other ?? 'another gate'} of this run; the policy asks another person to approve ${gate}` };
  }
  if (gate === Gate.Enact) {
    const decided = (run.collected[gate] ?? []).find((r) => r.reviewDecisionId !== undefined && at(r.expiresAt) > instant);
    if (decided !== undefined && decided.reviewDecisionId !== record.reviewDecisionId) {
      return { code: 'E_APPROVAL_REVIEW_DECISION', detail: `${decided.approver} approved review decision ${decided.reviewDecisionId ?? ''}; this approval cites ${record.reviewDecisionId ?? 'none'}` };
    }
  }
  return null;
}

/** `90061` → `1 d 1 h 1 min 1 s`; units that are zero are left out (`4 h 30 s`), so two different spans never read alike. */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const parts: string[] = [];
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  if (days > 0) parts.push(`${days} d`);
  if (hours > 0) parts.push(`${hours} h`);
  if (minutes > 0) parts.push(`${minutes} min`);
  if (s % 60 > 0 || parts.length === 0) parts.push(`${s % 60} s`);
  return parts.join(' ');
}

const orList = (names: readonly string[]) => (names.length === 0 ? 'nobody eligible is left' : names.length === 1 ? names[0] ?? '' : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1] ?? ''}`);

/** One unmet rule as a line an operator reads, starting with its code: `E_APPROVAL_QUORUM: SG_2 needs 2 approvals, has 1 (alice); 1 more from bob or dave`. */
export function describeUnmet(gate: Gate, unmet: Unmet): string {
  switch (unmet.code) {
    case 'E_POLICY_CHANGED':
      return `${unmet.code}: the run is bound to policy ${unmet.bound.slice(0, 12)}, and the policy in force is ${unmet.inForce.slice(0, 12)}; bind it explicitly (cutter policy bind) or restore the policy`;
    case 'E_APPROVAL_QUORUM': {
      const more = unmet.need - unmet.have.length;
      return `${unmet.code}: ${gate} needs ${unmet.need} approval${unmet.need === 1 ? '' : 's'}, has ${unmet.have.length}${unmet.have.length === 0 ? '' : ` (${unmet.have.join(', ')})`}; ${more} more from ${orList(unmet.from)}`;
    }
    case 'E_APPROVAL_GROUP':
      return `${unmet.code}: ${gate} needs ${unmet.need} of group ${unmet.group}, has ${unmet.have.length}${unmet.have.length === 0 ? '' : ` (${unmet.have.join(', ')})`}; ${unmet.need - unmet.have.length} more from ${orList(unmet.from)}`;
    case 'E_CHANGE_WINDOW_CLOSED':
      return `${unmet.code}: ${gate} opens only inside ${unmet.windows.join(' or ')}${unmet.source === gate ? '' : ` (risk rule ${unmet.source})`}; ${unmet.opensAtText === null ? 'no such window opens again' : `it opens ${unmet.opensAtText}`}`;
  }
}
