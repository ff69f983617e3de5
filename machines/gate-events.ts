/**
 * What every gate (SG_1, SG_2, SG_3) does with APPROVE, RESUME and BIND_POLICY: one definition, so the three gates
 * cannot drift apart. An approval the policy allows is collected; the gate opens when the policy is met and the
 * machine's kill-switch lock allows it; otherwise the run stays parked and records why (DESIGN.md I6, issue 16).
 */
import { and } from 'xstate';
import type { Gate } from '../src/domain/approval.js';
import { approvalValidFor, gateOpensFor } from './run-setup.js';

const collect = (gate: Gate) => ({ type: 'collectApproval', params: { gate } }) as const;
const open = (gate: Gate) => ({ type: 'openGate', params: { gate } }) as const;
const waiting = (gate: Gate) => ({ type: 'recordGateWaiting', params: { gate } }) as const;
const haltBeforeEnacting = { type: 'haltBefore', params: { state: 'enacting' } } as const;

export interface GateOptions {
  /** The state the gate opens into. */
  readonly opensInto: string;
  /** SG_1 clears an earlier kill-switch refusal when it opens: the run goes on. */
  readonly clearsError?: boolean;
  /**
   * The policy is met but the kill switch is OFF: `stay` parked (an approval that would open the gate is not taken;
   * approve again once it is ON), or `halt` before enacting with it taken (SG_2: the drafts are written already).
   */
  readonly whenKillSwitchOff: 'stay' | 'halt';
}

/** The APPROVE, RESUME and BIND_POLICY transitions of `gate`. */
export function gateEvents(gate: Gate, { opensInto, clearsError = false, whenKillSwitchOff }: GateOptions) {
  const opening = clearsError ? ([open(gate), 'clearError'] as const) : ([open(gate)] as const);
  const killSwitchOff = whenKillSwitchOff === 'halt'
    ? ({ target: 'halted', actions: [collect(gate), open(gate), haltBeforeEnacting] } as const)
    : ({ actions: 'recordKillSwitchRefusal' } as const);
  const resumeKillSwitchOff = whenKillSwitchOff === 'halt'
    ? ({ target: 'halted', actions: [open(gate), haltBeforeEnacting] } as const)
    : ({ actions: 'recordKillSwitchRefusal' } as const);
  return {
    APPROVE: [
      { guard: and([approvalValidFor(gate), gateOpensFor(gate), 'liveExecutionAllowed']), target: opensInto, actions: [collect(gate), ...opening] },
      { guard: and([approvalValidFor(gate), gateOpensFor(gate)]), ...killSwitchOff },
      // Collected; the gate waits for what the policy still needs (more approvers, a group, a window).
      { guard: approvalValidFor(gate), actions: [collect(gate), waiting(gate)] },
      { actions: { type: 'recordApprovalRefusal', params: { gate } } },
    ],
    // The policy is checked again: a window opened, an approval's not-before passed, the kill switch turned ON.
    RESUME: [
      { guard: and([gateOpensFor(gate), 'liveExecutionAllowed']), target: opensInto, actions: opening },
      { guard: gateOpensFor(gate), ...resumeKillSwitchOff },
      { actions: waiting(gate) },
    ],
    /** A person binds a parked run to the policy now in force (journalled with who and why); any other hash is refused. */
    BIND_POLICY: [{ guard: 'policyInForce', actions: 'bindPolicy' }, { actions: 'recordPolicyBindRefusal' }],
  } as const;
}
