import { assign } from 'xstate';
import type { RunMachine } from '../../machines/run-machine.js';
import { approvalRecordOf, pinnedChangeSet } from '../../machines/run-setup.js';
import type { RunContext, RunEvent } from '../../machines/run-types.js';
import type { Gate } from '../domain/approval.js';
import type { Cutplan } from '../domain/cutplan.js';
import { checkApproval, type ApprovalExpectation, type ApprovalPolicy } from '../approvals/index.js';
import type { Executor } from '../executors/executor.js';
import { readKillSwitch, type KillSwitch } from '../kill-switch/index.js';
import type { Logger } from '../logging/logger.js';
import { admitApproval, describeUnmet, evaluateGate, matchingRiskRules } from '../policy/evaluate.js';
import { resolvePolicy } from '../policy/resolve.js';
import { executorFitsMode } from './executor-binding.js';
import { bindPhaseActors } from './phase-actors.js';
import type { RunPlan } from './run-plan.js';

export interface MachineBinding {
  /** The unbound machine of the run's release. */
  readonly machine: RunMachine;
  readonly runId: string;
  readonly executor: Executor;
  readonly killSwitch: KillSwitch;
  readonly plan: RunPlan;
  readonly policy: ApprovalPolicy;
  readonly logger: Logger;
  /** Awaited by every writing phase before it enters its executor (see `PhaseBinding.beforeEffect`). */
  readonly beforeEffect?: () => Promise<{ readonly recorded: Promise<void> }>;
  /** This process's hold on the run, checked by the executor inside each phase's transaction. */
  readonly holdToken?: string;
}

/** The risk rules of `policy` that hold for `plan` (read once: a plan may have many addresses). */
export function riskRulesOf(policy: ApprovalPolicy, plan: Cutplan): readonly string[] {
  const { document } = resolvePolicy(policy);
  if (document.risk.length === 0) return [];
  return matchingRiskRules(document, {
    rowCount: plan.rows.length,
    retireCount: plan.rows.filter((r) => r.action === 'retire').length,
    revert: plan.reverts !== undefined,
    addresses: plan.rows.map((r) => r.address),
  });
}

/**
 * The run machine with every actor, guard and action bound to one run's executor, kill switch and approval policy.
 * Called once per run (or per restore of it); the result is never handed out.
 */
export function bindRunMachine({ machine, runId, executor, killSwitch, plan, policy, logger, beforeEffect, holdToken }: MachineBinding) {
  const resolved = resolvePolicy(policy);
  let riskRules: readonly string[] | undefined;
  const risk = () => (riskRules ??= plan.kind === 'rows' ? riskRulesOf(policy, plan.plan) : plan.riskRules);
  const now = () => (policy.now ?? (() => new Date()))();
  const expectationFor = (gate: Gate, context: Pick<RunContext, 'changeSet' | 'initiator'>): ApprovalExpectation => {
    const { changeSetId, planHash } = pinnedChangeSet(context);
    return { gate, runId, changeSetId, planHash, initiator: context.initiator };
  };
  // The run asks about one approval up to three times in one step (approve's check, send's check, the transition),
  // with the same event and context: the first answer stands, so its signature is verified once and the answers agree.
  // Only within that synchronous step: the answer depends on the clock (an approval expires), so the same event
  // object sent again later, after a refusal by another guard (the kill switch) left the context as it was, is judged
  // afresh.
  const judged = new WeakMap<RunEvent, { gate: Gate; context: RunContext; refusal: { code: string; reason: string } | null }>();
  const refusalAt = (gate: Gate, context: RunContext, event: RunEvent): { code: string; reason: string } | null => {
    const seen = judged.get(event);
    if (seen !== undefined && seen.gate === gate && seen.context === context) return seen.refusal;
    const refusal = judge(gate, context, event);
    judged.set(event, { gate, context, refusal });
    queueMicrotask(() => { judged.delete(event); });
    return refusal;
  };
  /** Why the event's approval may not be collected at `gate` (its signature and binding, then the policy), or null. */
  const judge = (gate: Gate, context: RunContext, event: RunEvent): { code: string; reason: string } | null => {
    const check = checkApproval((event as { approval?: unknown }).approval, expectationFor(gate, context), policy);
    if (!check.ok) return { code: 'E_APPROVAL_INVALID', reason: `${check.refusal}: ${check.detail}` };
    const admission = admitApproval(resolved, gate, risk(), context, approvalRecordOf(context, event, gate), now());
    return admission === null ? null : { code: admission.code, reason: admission.detail };
  };
  const evaluate = (gate: Gate, context: RunContext, event: RunEvent) =>
    evaluateGate(resolved, gate, risk(), context, now(), event.type === 'APPROVE' ? approvalRecordOf(context, event, gate) : undefined);

  return machine.provide({
    actors: bindPhaseActors({ executor, killSwitch, plan, logger, ...(beforeEffect === undefined ? {} : { beforeEffect }), ...(holdToken === undefined ? {} : { holdToken }) }),
    guards: {
      executorReady: ({ context }) => executorFitsMode(executor, context.mode),
      killSwitchOn: () => readKillSwitch(killSwitch),
      approvalValid: ({ context, event }, { gate }) => refusalAt(gate, context, event) === null,
      gateOpens: ({ context, event }, { gate }) => evaluate(gate, context, event).open,
      policyInForce: ({ event }) => event.type === 'BIND_POLICY' && event.policyHash === resolved.hash,
    },
    actions: {
      recordApprovalRefusal: assign({
        refusals: ({ context, event }, { gate }: { gate: Gate }) => {
          const refusal = refusalAt(gate, context, event) ?? { code: 'E_APPROVAL_INVALID', reason: 'not an approval for this gate' };
          logger.warn({ gate, ...refusal }, 'approval refused');
          return [...context.refusals, { gate, ...refusal }];
        },
      }),
      recordGateWaiting: assign({
        refusals: ({ context, event }, { gate }: { gate: Gate }) => {
          const { unmet } = evaluate(gate, context, event);
          const first = unmet[0];
          const reason = unmet.map((u) => describeUnmet(gate, u)).join('; ') || `${gate} waits`;
          logger.info({ gate, reason }, 'gate waits for the approval policy');
          return [...context.refusals, { gate: 'policy' as const, code: first?.code ?? 'E_APPROVAL_QUORUM', reason }];
        },
      }),
      recordPolicyBindRefusal: assign({
        refusals: ({ context, event }) => {
          const named = event.type === 'BIND_POLICY' ? event.policyHash.slice(0, 12) : 'none';
          const reason = `the policy named (${named}) is not the one in force (${resolved.hash.slice(0, 12)}): bind a run only to the policy this process enforces`;
          return [...context.refusals, { gate: 'policy' as const, code: 'E_POLICY_CHANGED', reason }];
        },
      }),
    },
  });
}
