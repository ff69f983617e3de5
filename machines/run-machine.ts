import { and, assign } from 'xstate';
import { gateEvents } from './gate-events.js';
import { output, phaseInput, runSetup } from './run-setup.js';
import type { RunOutput } from './run-types.js';

/**
 * The run statechart: precheck → planning → SG_1 → backingUp → cutting → recordingLedger → verifying → SG_2 →
 * enacting → completed, with the side exits of DESIGN.md §3. It names its actors, guards and actions; the runner
 * binds implementations with `provide` when a run is created. The defaults here fail closed: no executor, kill switch
 * OFF, every approval refused.
 */
export const runMachine = runSetup.createMachine({
  id: 'run',
  context: ({ input }) => ({
    runId: input.runId,
    mode: input.mode,
    initiator: input.initiator,
    expectedPlanHash: input.expectedPlanHash,
    changeSet: null,
    policyHash: input.policyHash ?? null,
    approvals: {},
    collected: {},
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
          actions: { type: 'storeResult', params: { key: 'precheck' } },
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
      meta: { gate: 'SG_1' },
      on: {
        ...gateEvents('SG_1', { opensInto: 'backingUp', clearsError: true, whenKillSwitchOff: 'stay' }),
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
            actions: { type: 'storeResult', params: { key: 'backup' } },
          },
          {
            target: 'halted',
            actions: [{ type: 'storeResult', params: { key: 'backup' } }, { type: 'haltBefore', params: { state: 'cutting' } }],
          },
        ],
        onError: [
          { guard: 'resumableError', target: 'halted', actions: ['recordError', { type: 'markHalted', params: { state: 'backingUp' } }] },
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
          { guard: 'liveExecutionAllowed', target: 'recordingLedger', actions: { type: 'recordCommit', params: { phase: 'cut' } } },
          {
            target: 'halted',
            actions: [{ type: 'recordCommit', params: { phase: 'cut' } }, { type: 'haltBefore', params: { state: 'recordingLedger' } }],
          },
        ],
        onError: [
          // The cut may have committed in a process that died before recording it: a refusal here halts, resumable.
          { guard: 'resumableError', target: 'halted', actions: ['recordError', { type: 'markHalted', params: { state: 'cutting' } }] },
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
          { guard: 'liveExecutionAllowed', target: 'verifying', actions: { type: 'recordCommit', params: { phase: 'ledger' } } },
          {
            target: 'halted',
            actions: [{ type: 'recordCommit', params: { phase: 'ledger' } }, { type: 'haltBefore', params: { state: 'verifying' } }],
          },
        ],
        onError: [
          { guard: 'resumableError', target: 'halted', actions: ['recordError', { type: 'markHalted', params: { state: 'recordingLedger' } }] },
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
            actions: { type: 'storeResult', params: { key: 'verify' } },
          },
          {
            target: 'torn',
            actions: ['recordVerifyMismatch', { type: 'markTorn', params: { reason: 'verification did not match the change set' } }],
          },
        ],
        onError: [
          { guard: 'resumableError', target: 'halted', actions: ['recordError', { type: 'markHalted', params: { state: 'verifying' } }] },
          { target: 'torn', actions: ['recordError', { type: 'markTorn', params: { reason: 'verification failed after writes committed' } }] },
        ],
      },
    },

    /** SG_2: a person approves enactment, citing a review decision. */
    awaitingEnactApproval: {
      tags: ['gate'],
      meta: { gate: 'SG_2' },
      on: {
        ...gateEvents('SG_2', { opensInto: 'enacting', whenKillSwitchOff: 'halt' }),
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
          actions: { type: 'recordCommit', params: { phase: 'enact' } },
        },
        onError: [
          { guard: 'resumableError', target: 'halted', actions: ['recordError', { type: 'markHalted', params: { state: 'enacting' } }] },
          { target: 'torn', actions: ['recordError', { type: 'markTorn', params: { reason: 'enactment failed after the cut committed' } }] },
        ],
      },
    },

    /**
     * The run stopped for a reason that passes (kill switch OFF, target busy or unreachable) after SG_1. Resumable, or
     * escalated to SG_3; cancelled, it ends only if nothing can have been written (halted before the backup).
     */
    halted: {
      tags: ['parked'],
      on: {
        RESUME: [
          ...(['backingUp', 'cutting', 'recordingLedger', 'verifying', 'enacting'] as const).map((state) => ({
            guard: and([{ type: 'haltedBefore', params: { state } } as const, 'liveExecutionAllowed']),
            target: state,
            actions: 'clearHalt' as const,
          })),
          { actions: 'recordKillSwitchRefusal' },
        ],
        ESCALATE: { target: 'torn', actions: { type: 'markTorn', params: { reason: 'a halted run was escalated to SG_3' } } },
        CANCEL: [
          { guard: { type: 'haltedBefore', params: { state: 'backingUp' } }, target: 'cancelled' },
          { target: 'torn', actions: { type: 'markTorn', params: { reason: 'a halted run was cancelled' } } },
        ],
      },
    },

    /**
     * A run stored by an earlier release that this one cannot carry on (a state it no longer has, no migration); only
     * restoring puts a run here, and its error says why. It can only be cancelled: to SG_3 if it may have written
     * (SG_1 was approved, or a phase committed), else it ends cancelled. See "Upgrading Cutter with runs in flight".
     */
    stranded: {
      tags: ['parked'],
      on: {
        CANCEL: [
          {
            guard: 'mayHaveWritten',
            target: 'torn',
            actions: { type: 'markTorn', params: { reason: 'a run stranded by an upgrade was cancelled after it may have written' } },
          },
          { target: 'cancelled' },
        ],
      },
    },

    /** Something committed and the run cannot complete: only SG_3 and compensation end it. */
    torn: {
      initial: 'awaitingCompensationApproval',
      states: {
        /** SG_3: a person approves undoing this change set's committed effects. */
        awaitingCompensationApproval: {
          tags: ['gate'],
          meta: { gate: 'SG_3' },
          on: {
            ...gateEvents('SG_3', { opensInto: 'compensating', whenKillSwitchOff: 'stay' }),
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
              actions: { type: 'storeResult', params: { key: 'compensation' } },
            },
            onError: [
              // Refused for a reason that passes: nothing of the compensation was kept; wait at SG_3 for another approval.
              { guard: 'resumableError', target: 'awaitingCompensationApproval', actions: 'recordError' },
              { target: '#run.compensationFailed', actions: 'recordError' },
            ],
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
