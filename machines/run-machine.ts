import { and, assign, fromPromise, or, setup } from 'xstate';
import type { ChangeSet } from '../src/domain/change-set.js';
import type { BackupResult, CompensationResult, LegBResult, VerifyResult } from '../src/domain/results.js';
import type { Gate } from '../src/domain/approval.js';
import { toErrorRecord } from './error-record.js';
import type {
  CutSummary,
  EnactInput,
  EnactSummary,
  FinalStatus,
  MutatingPhase,
  PhaseInput,
  PrecheckOutput,
  ResumableState,
  RunContext,
  RunEvent,
  RunInput,
  RunOutput,
} from './run-types.js';

/**
 * Placeholder for a phase actor. The base machine only names its actors; a run binds real ones once, at creation.
 * An unbound actor fails closed, so the base machine can be started (diagrams, model tests) but never writes.
 */
function unbound<TOutput, TInput>(phase: string) {
  return fromPromise<TOutput, TInput>(() => Promise.reject(new Error(`phase actor '${phase}' is not bound to an executor`)));
}

const phaseInput = ({ context }: { context: RunContext }): PhaseInput => {
  if (context.changeSet === null) throw new Error('no change set pinned');
  return { runId: context.runId, mode: context.mode, changeSet: context.changeSet };
};

/** True when an error value carries the kill-switch code (any of the locks refused). */
const isKillSwitchError = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'E_KILL_SWITCH_OFF';

/** The parameterised approval guard for one gate. */
const approvalValidFor = (gate: Gate) => ({ type: 'approvalValid', params: { gate } }) as const;

const output =
  (status: FinalStatus) =>
  ({ context }: { context: RunContext }): RunOutput => ({
    status,
    runId: context.runId,
    mode: context.mode,
    changeSetId: context.changeSet?.changeSetId ?? null,
    planHash: context.changeSet?.planHash ?? null,
    committed: context.committed,
    error: context.error,
    results: context.results,
  });

/**
 * The run statechart: precheck → planning → SG_1 → backingUp → cutting → recordingLedger → verifying → SG_2 →
 * enacting → completed, with the side exits of DESIGN.md §3. It names its actors, guards and actions; the runner
 * binds implementations with `provide` when a run is created. The defaults here fail closed: no executor, kill switch
 * OFF, every approval refused.
 */
export const runMachine = setup({
  types: {
    context: {} as RunContext,
    events: {} as RunEvent,
    input: {} as RunInput,
    output: {} as RunOutput,
  },
  actors: {
    precheck: unbound<PrecheckOutput, { runId: string; mode: RunContext['mode'] }>('precheck'),
    planning: unbound<ChangeSet, { runId: string; expectedPlanHash: string | null }>('planning'),
    backup: unbound<BackupResult, PhaseInput>('backup'),
    cut: unbound<CutSummary, PhaseInput>('cut'),
    ledger: unbound<LegBResult, PhaseInput>('ledger'),
    verify: unbound<VerifyResult, PhaseInput>('verify'),
    enact: unbound<EnactSummary, EnactInput>('enact'),
    compensate: unbound<CompensationResult, PhaseInput>('compensate'),
  },
  guards: {
    /** The run has an executor, of its own mode. Bound by the runner; fails closed here. */
    executorReady: () => false,
    /** The kill switch reads ON at this moment. Bound by the runner; fails closed here. */
    killSwitchOn: () => false,
    /** The event's approval is valid for this gate, run, change set and plan. Bound by the runner. */
    approvalValid: (_, _params: { gate: Gate }) => false,
    isDryRun: ({ context }) => context.mode === 'DRYRUN',
    /** DRYRUN, or LIVE with the kill switch ON: the machine's own kill-switch lock. */
    liveExecutionAllowed: or(['isDryRun', 'killSwitchOn']),
    killSwitchError: ({ event }) => isKillSwitchError((event as { error?: unknown }).error),
    /** I7: an unverified backup is no backup; the first write never follows it. */
    backupUnverified: ({ event }) => (event as { output?: BackupResult }).output?.verified !== true,
    verifyPassed: ({ event }) => (event as { output?: VerifyResult }).output?.ok === true,
    /** A REJECT names the gate it answers, so a stale rejection cannot land on a later gate. */
    rejectsGate: ({ event }, params: { gate: Gate }) => event.type === 'REJECT' && event.gate === params.gate,
    haltedBefore: ({ context }, params: { state: ResumableState }) => context.haltedBefore === params.state,
  },
  actions: {
    /** Records why an approval was refused. The runner binds a version that names the exact reason. */
    recordApprovalRefusal: assign({
      refusals: ({ context }, params: { gate: Gate }) => [
        ...context.refusals,
        { gate: params.gate, code: 'E_APPROVAL_INVALID', reason: 'no approval verifier is bound to this run' },
      ],
    }),
    recordApproval: assign({
      approvals: ({ context, event }, params: { gate: Gate }) => {
        if (event.type !== 'APPROVE') return context.approvals;
        const { approver, reason, issuedAt, expiresAt, reviewDecisionId } = event.approval;
        const record = reviewDecisionId === undefined
          ? { gate: params.gate, approver, reason, issuedAt, expiresAt }
          : { gate: params.gate, approver, reason, issuedAt, expiresAt, reviewDecisionId };
        return { ...context.approvals, [params.gate]: record };
      },
    }),
    recordKillSwitchRefusal: assign({
      refusals: ({ context }) => [
        ...context.refusals,
        { gate: 'kill-switch' as const, code: 'E_KILL_SWITCH_OFF', reason: 'the kill switch is OFF (machine guard)' },
      ],
      error: () => ({
        name: 'ProductionExecutionNotAuthorized',
        code: 'E_KILL_SWITCH_OFF',
        message: 'LIVE execution is not authorised: the kill switch is OFF (machine lock)',
      }),
    }),
    recordExecutorRefusal: assign({
      refusals: ({ context }) => [
        ...context.refusals,
        { gate: 'executor' as const, code: 'E_LIVE_ADAPTER_REQUIRED', reason: 'the run has no executor of its mode' },
      ],
      error: () => ({
        name: 'LiveAdapterRequired',
        code: 'E_LIVE_ADAPTER_REQUIRED',
        message: 'the run has no executor of its mode',
      }),
    }),
    recordError: assign({ error: ({ event }) => toErrorRecord((event as { error?: unknown }).error) }),
    markCommitted: assign({
      committed: ({ context }, params: { phase: MutatingPhase }) =>
        context.committed.includes(params.phase) ? context.committed : [...context.committed, params.phase],
    }),
    markHalted: assign({ haltedBefore: (_, params: { state: ResumableState }) => params.state }),
    clearHalt: assign({ haltedBefore: null, error: null }),
    markTorn: assign({ tornReason: (_, params: { reason: string }) => params.reason }),
  },
}).createMachine({
  id: 'run',
  context: ({ input }) => ({
    runId: input.runId,
    mode: input.mode,
    initiator: input.initiator,
    expectedPlanHash: input.expectedPlanHash,
    changeSet: null,
    approvals: {},
    results: {},
    committed: [],
    refusals: [],
    error: null,
    haltedBefore: null,
    tornReason: null,
  }),
  initial: 'idle',
  // Each final state computes its output from the context it was reached with; the root hands that on.
  output: ({ event }) => (event as unknown as { output: RunOutput }).output,
  states: {
    idle: {
      on: {
        START: [
          { guard: 'executorReady', target: 'precheck' },
          { target: 'refused', actions: 'recordExecutorRefusal' },
        ],
        CANCEL: 'cancelled',
      },
    },

    precheck: {
      invoke: {
        id: 'precheck',
        src: 'precheck',
        input: ({ context }) => ({ runId: context.runId, mode: context.mode }),
        onDone: {
          target: 'planning',
          actions: assign({ results: ({ context, event }) => ({ ...context.results, precheck: event.output }) }),
        },
        onError: { target: 'refused', actions: 'recordError' },
      },
    },

    planning: {
      invoke: {
        id: 'planning',
        src: 'planning',
        input: ({ context }) => ({ runId: context.runId, expectedPlanHash: context.expectedPlanHash }),
        onDone: { target: 'awaitingCutApproval', actions: assign({ changeSet: ({ event }) => event.output }) },
        onError: { target: 'refused', actions: 'recordError' },
      },
    },

    /** SG_1: a person approves the cut of this exact change set. */
    awaitingCutApproval: {
      tags: ['gate'],
      on: {
        APPROVE: [
          {
            guard: and([approvalValidFor('SG_1'), 'liveExecutionAllowed']),
            target: 'backingUp',
            actions: { type: 'recordApproval', params: { gate: 'SG_1' } },
          },
          {
            guard: approvalValidFor('SG_1'),
            target: 'refused',
            actions: [{ type: 'recordApproval', params: { gate: 'SG_1' } }, 'recordKillSwitchRefusal'],
          },
          { actions: { type: 'recordApprovalRefusal', params: { gate: 'SG_1' } } },
        ],
        REJECT: { guard: { type: 'rejectsGate', params: { gate: 'SG_1' } }, target: 'rejected' },
        CANCEL: 'cancelled',
      },
    },

    /** preWriteBackup: a verified backup before the first write (I7). */
    backingUp: {
      invoke: {
        id: 'backup',
        src: 'backup',
        input: phaseInput,
        onDone: [
          {
            guard: 'backupUnverified',
            target: 'failed',
            actions: assign({
              results: ({ context, event }) => ({ ...context.results, backup: event.output }),
              error: () => ({ name: 'BackupNotVerified', code: 'E_BACKUP_UNVERIFIED', message: 'the pre-write backup was not verified' }),
            }),
          },
          {
            guard: 'liveExecutionAllowed',
            target: 'cutting',
            actions: assign({ results: ({ context, event }) => ({ ...context.results, backup: event.output }) }),
          },
          {
            target: 'refused',
            actions: [assign({ results: ({ context, event }) => ({ ...context.results, backup: event.output }) }), 'recordKillSwitchRefusal'],
          },
        ],
        onError: [
          { guard: 'killSwitchError', target: 'refused', actions: 'recordError' },
          { target: 'failed', actions: 'recordError' },
        ],
      },
    },

    /** cutLegA: create the IUs, one transaction. */
    cutting: {
      invoke: {
        id: 'cut',
        src: 'cut',
        input: phaseInput,
        onDone: [
          {
            guard: 'liveExecutionAllowed',
            target: 'recordingLedger',
            actions: [
              assign({ results: ({ context, event }) => ({ ...context.results, cut: event.output }) }),
              { type: 'markCommitted', params: { phase: 'cut' } },
            ],
          },
          {
            target: 'halted',
            actions: [
              assign({ results: ({ context, event }) => ({ ...context.results, cut: event.output }) }),
              { type: 'markCommitted', params: { phase: 'cut' } },
              'recordKillSwitchRefusal',
              { type: 'markHalted', params: { state: 'recordingLedger' } },
            ],
          },
        ],
        onError: [
          { guard: 'killSwitchError', target: 'refused', actions: 'recordError' },
          { target: 'failed', actions: 'recordError' },
        ],
      },
    },

    /** legBRecord: record the change set in the governance ledger. */
    recordingLedger: {
      invoke: {
        id: 'ledger',
        src: 'ledger',
        input: phaseInput,
        onDone: [
          {
            guard: 'liveExecutionAllowed',
            target: 'verifying',
            actions: [
              assign({ results: ({ context, event }) => ({ ...context.results, ledger: event.output }) }),
              { type: 'markCommitted', params: { phase: 'ledger' } },
            ],
          },
          {
            target: 'halted',
            actions: [
              assign({ results: ({ context, event }) => ({ ...context.results, ledger: event.output }) }),
              { type: 'markCommitted', params: { phase: 'ledger' } },
              'recordKillSwitchRefusal',
              { type: 'markHalted', params: { state: 'verifying' } },
            ],
          },
        ],
        onError: [
          {
            guard: 'killSwitchError',
            target: 'halted',
            actions: ['recordError', { type: 'markHalted', params: { state: 'recordingLedger' } }],
          },
          { target: 'torn', actions: ['recordError', { type: 'markTorn', params: { reason: 'recording the ledger failed after the cut committed' } }] },
        ],
      },
    },

    /** writeVerify: read back what was written and compare it with the change set. */
    verifying: {
      invoke: {
        id: 'verify',
        src: 'verify',
        input: phaseInput,
        onDone: [
          {
            guard: 'verifyPassed',
            target: 'awaitingEnactApproval',
            actions: assign({ results: ({ context, event }) => ({ ...context.results, verify: event.output }) }),
          },
          {
            target: 'torn',
            actions: [
              assign({
                results: ({ context, event }) => ({ ...context.results, verify: event.output }),
                error: ({ event }) => ({
                  name: 'VerifyMismatch',
                  code: 'E_VERIFY_MISMATCH',
                  message: `verification found ${event.output.actualCount} rows (digest ${event.output.actualDigest.slice(0, 12)}), expected ${event.output.expectedCount} (digest ${event.output.expectedDigest.slice(0, 12)})`,
                }),
              }),
              { type: 'markTorn', params: { reason: 'verification did not match the change set' } },
            ],
          },
        ],
        onError: [
          {
            guard: 'killSwitchError',
            target: 'halted',
            actions: ['recordError', { type: 'markHalted', params: { state: 'verifying' } }],
          },
          { target: 'torn', actions: ['recordError', { type: 'markTorn', params: { reason: 'verification failed after writes committed' } }] },
        ],
      },
    },

    /** SG_2: a person approves enactment, citing a review decision. */
    awaitingEnactApproval: {
      tags: ['gate'],
      on: {
        APPROVE: [
          {
            guard: and([approvalValidFor('SG_2'), 'liveExecutionAllowed']),
            target: 'enacting',
            actions: { type: 'recordApproval', params: { gate: 'SG_2' } },
          },
          {
            guard: approvalValidFor('SG_2'),
            target: 'halted',
            actions: [
              { type: 'recordApproval', params: { gate: 'SG_2' } },
              'recordKillSwitchRefusal',
              { type: 'markHalted', params: { state: 'enacting' } },
            ],
          },
          { actions: { type: 'recordApprovalRefusal', params: { gate: 'SG_2' } } },
        ],
        // Drafts are already written: saying no (or giving up) here leaves a torn run for SG_3, never a silent end.
        REJECT: {
          guard: { type: 'rejectsGate', params: { gate: 'SG_2' } },
          target: 'torn',
          actions: { type: 'markTorn', params: { reason: 'enactment was rejected at SG_2' } },
        },
        CANCEL: { target: 'torn', actions: { type: 'markTorn', params: { reason: 'the run was cancelled after the cut committed' } } },
      },
    },

    /** lifecycleEnact: draft → enacted, superseding the previous versions. */
    enacting: {
      invoke: {
        id: 'enact',
        src: 'enact',
        input: ({ context }) => {
          const reviewDecisionId = context.approvals.SG_2?.reviewDecisionId;
          if (reviewDecisionId === undefined) throw new Error('SG_2 approval has no review decision id');
          return { ...phaseInput({ context }), reviewDecisionId };
        },
        onDone: {
          target: 'completed',
          actions: [
            assign({ results: ({ context, event }) => ({ ...context.results, enact: event.output }) }),
            { type: 'markCommitted', params: { phase: 'enact' } },
          ],
        },
        onError: [
          {
            guard: 'killSwitchError',
            target: 'halted',
            actions: ['recordError', { type: 'markHalted', params: { state: 'enacting' } }],
          },
          { target: 'torn', actions: ['recordError', { type: 'markTorn', params: { reason: 'enactment failed after the cut committed' } }] },
        ],
      },
    },

    /** The kill switch stopped a run after something committed. Resumable, or escalated to SG_3. */
    halted: {
      tags: ['parked'],
      on: {
        RESUME: [
          ...(['recordingLedger', 'verifying', 'enacting'] as const).map((state) => ({
            guard: and([{ type: 'haltedBefore', params: { state } } as const, 'liveExecutionAllowed']),
            target: state,
            actions: 'clearHalt' as const,
          })),
          { actions: 'recordKillSwitchRefusal' },
        ],
        ESCALATE: { target: 'torn', actions: { type: 'markTorn', params: { reason: 'a halted run was escalated to SG_3' } } },
        CANCEL: { target: 'torn', actions: { type: 'markTorn', params: { reason: 'a halted run was cancelled' } } },
      },
    },

    /** Something committed and the run cannot complete: only SG_3 and compensation end it. */
    torn: {
      initial: 'awaitingCompensationApproval',
      states: {
        /** SG_3: a person approves undoing this change set's committed effects. */
        awaitingCompensationApproval: {
          tags: ['gate'],
          on: {
            APPROVE: [
              {
                guard: and([approvalValidFor('SG_3'), 'liveExecutionAllowed']),
                target: 'compensating',
                actions: { type: 'recordApproval', params: { gate: 'SG_3' } },
              },
              {
                // Valid, but the kill switch is OFF: stay parked at SG_3; approve again once it is ON.
                guard: approvalValidFor('SG_3'),
                actions: 'recordKillSwitchRefusal',
              },
              { actions: { type: 'recordApprovalRefusal', params: { gate: 'SG_3' } } },
            ],
            REJECT: { guard: { type: 'rejectsGate', params: { gate: 'SG_3' } }, target: '#run.compensationDeclined' },
          },
        },
        compensating: {
          invoke: {
            id: 'compensate',
            src: 'compensate',
            input: phaseInput,
            onDone: {
              target: '#run.compensated',
              actions: assign({ results: ({ context, event }) => ({ ...context.results, compensation: event.output }) }),
            },
            onError: { target: '#run.compensationFailed', actions: 'recordError' },
          },
        },
      },
    },

    completed: { type: 'final', output: output('completed') },
    refused: { type: 'final', output: output('refused') },
    failed: { type: 'final', output: output('failed') },
    rejected: { type: 'final', output: output('rejected') },
    cancelled: { type: 'final', output: output('cancelled') },
    compensated: { type: 'final', output: output('compensated') },
    compensationFailed: { type: 'final', output: output('compensationFailed') },
    compensationDeclined: { type: 'final', output: output('compensationDeclined') },
  },
});

/** The run machine's type, for hosts and tests. */
export type RunMachine = typeof runMachine;
