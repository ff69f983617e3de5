import { assign } from 'xstate';
import type { RunMachine } from '../../machines/run-machine.js';
import { pinnedChangeSet } from '../../machines/run-setup.js';
import type { RunContext, RunEvent } from '../../machines/run-types.js';
import type { Gate } from '../domain/approval.js';
import type { Cutplan } from '../domain/cutplan.js';
import { checkApproval, type ApprovalExpectation, type ApprovalPolicy } from '../approvals/index.js';
import type { Executor } from '../executors/executor.js';
import { readKillSwitch, type KillSwitch } from '../kill-switch/index.js';
import type { Logger } from '../logging/logger.js';
import { executorFitsMode } from './executor-binding.js';
import { bindPhaseActors } from './phase-actors.js';

export interface MachineBinding {
  /** The unbound machine of the run's release. */
  readonly machine: RunMachine;
  readonly runId: string;
  readonly executor: Executor;
  readonly killSwitch: KillSwitch;
  readonly plan: Cutplan;
  readonly policy: ApprovalPolicy;
  readonly logger: Logger;
  /** Awaited by every writing phase before it enters its executor (see `PhaseBinding.beforeEffect`). */
  readonly beforeEffect?: () => Promise<void>;
  /** This process's hold on the run, checked by the executor inside each phase's transaction. */
  readonly holdToken?: string;
}

/**
 * The run machine with every actor, guard and action bound to one run's executor, kill switch and approval policy.
 * Called once per run (or per restore of it); the result is never handed out.
 */
export function bindRunMachine({ machine, runId, executor, killSwitch, plan, policy, logger, beforeEffect, holdToken }: MachineBinding) {
  const expectationFor = (gate: Gate, context: Pick<RunContext, 'changeSet' | 'initiator'>): ApprovalExpectation => {
    const { changeSetId, planHash } = pinnedChangeSet(context);
    return { gate, runId, changeSetId, planHash, initiator: context.initiator };
  };
  // Both are bound to APPROVE transitions at a gate, so the event carries a candidate approval (checked, never trusted).
  const checkAt = (gate: Gate, context: RunContext, event: RunEvent) =>
    checkApproval((event as { approval?: unknown }).approval, expectationFor(gate, context), policy);

  return machine.provide({
    actors: bindPhaseActors({ executor, killSwitch, plan, logger, ...(beforeEffect === undefined ? {} : { beforeEffect }), ...(holdToken === undefined ? {} : { holdToken }) }),
    guards: {
      executorReady: ({ context }) => executorFitsMode(executor, context.mode),
      killSwitchOn: () => readKillSwitch(killSwitch),
      approvalValid: ({ context, event }, { gate }) => checkAt(gate, context, event).ok,
    },
    actions: {
      recordApprovalRefusal: assign({
        refusals: ({ context, event }, { gate }: { gate: Gate }) => {
          const check = checkAt(gate, context, event);
          const reason = check.ok ? 'not an approval for this gate' : `${check.refusal}: ${check.detail}`;
          logger.warn({ gate, reason }, 'approval refused');
          return [...context.refusals, { gate, code: 'E_APPROVAL_INVALID', reason }];
        },
      }),
    },
  });
}
