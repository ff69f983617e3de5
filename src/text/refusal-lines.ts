import type { ApprovalRecord, Refusal, RunContext } from '../../machines/run-types.js';
import type { Gate } from '../domain/approval.js';

/**
 * A refusal as the run's context keeps it, or as its journal does (a `cutter.refused` entry, read back untyped: its
 * gate is any string there). `status`, `approve`/`resume`, `cutter replay` and the HTML report all label it here, so
 * a gate's wait reads the same on every screen.
 */
export type RefusalRecord = Pick<Refusal, 'code' | 'reason'> & { readonly gate: string };

/** How a record reads to a person: see {@link refusalLine}. */
export type RefusalLabel = 'waiting' | 'waited' | 'refused';

/**
 * The gate waits (docs/errors.md): the policy is not met yet, the approval given (if any) was taken, and the run stays
 * parked. The run journals them among its refusals (gate `policy`), but nothing was refused: they print as waits.
 */
export const GATE_WAIT_CODES: ReadonlySet<string> = new Set(['E_APPROVAL_QUORUM', 'E_APPROVAL_GROUP', 'E_CHANGE_WINDOW_CLOSED']);

/** True for a record that says what a gate waits for, rather than what it refused. */
export function isGateWait(refusal: Pick<RefusalRecord, 'gate' | 'code'>): boolean {
  return refusal.gate === 'policy' && GATE_WAIT_CODES.has(refusal.code);
}

/**
 * `E_X: why`, with the code once: a wait's reason (and a policy refusal's) starts with its code already, so printing
 * the code before it again read `E_APPROVAL_QUORUM E_APPROVAL_QUORUM: …`.
 */
export function codedReason(refusal: Pick<Refusal, 'code' | 'reason'>): string {
  return refusal.reason.startsWith(`${refusal.code}:`) ? refusal.reason : `${refusal.code}: ${refusal.reason}`;
}

/**
 * True when a wait is about `gate`. A wait is recorded under the `policy` pseudo-gate; the gate it waited at is the
 * first word after its code, as `describeUnmet` (src/policy/evaluate.ts) writes every unmet rule: `E_X: SG_1 needs …`.
 */
export function waitsAt(refusal: Pick<Refusal, 'code' | 'reason'>, gate: Gate): boolean {
  return refusal.reason.startsWith(`${refusal.code}: ${gate} `);
}

/**
 * One record as status prints it: a wait as `waiting` while it is the run's last record and about the gate the run
 * is parked at (`gate`), else `waited` (a gate the run has since passed), without the `policy` pseudo-gate; a refusal
 * as `refused` with its gate.
 */
export function refusalLine(refusal: RefusalRecord, last: boolean, gate: Gate | null): { readonly label: RefusalLabel; readonly text: string } {
  if (isGateWait(refusal)) return { label: last && gate !== null && waitsAt(refusal, gate) ? 'waiting' : 'waited', text: codedReason(refusal) };
  return { label: 'refused', text: `${refusal.gate}: ${codedReason(refusal)}` };
}

const GATES: readonly Gate[] = ['SG_1', 'SG_2', 'SG_3'];

/**
 * Every approval a gate collected, gate by gate, in order: a quorum of two shows both approvers, not only the one that
 * opened the gate. A context without `collected` for a gate (stored before it was kept) shows the approval it kept.
 */
export function approvalsByGate(context: Pick<RunContext, 'approvals' | 'collected'>): { readonly gate: Gate; readonly approval: ApprovalRecord }[] {
  return GATES.flatMap((gate) => {
    const kept = context.approvals[gate];
    const collected = context.collected[gate] ?? (kept === undefined ? [] : [kept]);
    return collected.map((approval) => ({ gate, approval }));
  });
}
