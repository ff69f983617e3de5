/**
 * The run machine as snapshot version 2 released it (machines/run-machine.ts at commit d3391d7), frozen here for
 * tests only: it makes version-2 snapshots and journals on any path of its model, so a later release's migration from
 * version 2 can be checked against what the later machine does with the same journal. Never used by src/.
 */
 
import { and, assign } from 'xstate';
import { approvalRecordOf, approvalValidFor, output, phaseInput, runSetup } from '../../../machines/run-setup.js';
import type { RunContext, RunEvent, RunOutput } from '../../../machines/run-types.js';
import type { Gate } from '../../../src/domain/approval.js';

/** Version 2's way of taking an approval: the gate's one approval, nothing collected (inline: today's setup no longer names it). */
const recordApproval = (gate: Gate) =>
  assign({ approvals: ({ context, event }: { context: RunContext; event: RunEvent }) => ({ ...context.approvals, [gate]: approvalRecordOf(context, event, gate) }) }) as never;

/**
 * The run statechart: precheck → planning → SG_1 → backingUp → cutting → recordingLedger → verifying → SG_2 →
 * enacting → completed, with the side exits of DESIGN.md §3. It names its actors, guards and actions; the runner
 * binds implementations with `provide` when a run is created. The defaults here fail closed: no executor, kill switch
 * OFF, every approval refused.
 */
export const runMachineV2 = runSetup.createMachine({
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
  }) as unknown as RunContext, // version 2's context: without the fields later versions added
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
        APPROVE: [
          {
            guard: and([approvalValidFor('SG_1'), 'liveExecutionAllowed']),
            target: 'backingUp',
            actions: recordApproval('SG_1'),
          },
          {
            guard: approvalValidFor('SG_1'),
            target: 'refused',
            actions: [recordApproval('SG_1'), 'recordKillSwitchRefusal'],
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
            actions: { type: 'storeResult', params: { key: 'backup' } },
          },
          {
            target: 'refused',
            actions: [{ type: 'storeResult', params: { key: 'backup' } }, 'recordKillSwitchRefusal'],
          },
        ],
        onError: [
          { guard: 'resumableError', target: 'refused', actions: 'recordError' },
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
          { guard: 'resumableError', target: 'refused', actions: 'recordError' },
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
        APPROVE: [
          {
            guard: and([approvalValidFor('SG_2'), 'liveExecutionAllowed']),
            target: 'enacting',
            actions: recordApproval('SG_2'),
          },
          {
            guard: approvalValidFor('SG_2'),
            target: 'halted',
            actions: [recordApproval('SG_2'), { type: 'haltBefore', params: { state: 'enacting' } }],
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
          actions: { type: 'recordCommit', params: { phase: 'enact' } },
        },
        onError: [
          { guard: 'resumableError', target: 'halted', actions: ['recordError', { type: 'markHalted', params: { state: 'enacting' } }] },
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
            APPROVE: [
              {
                guard: and([approvalValidFor('SG_3'), 'liveExecutionAllowed']),
                target: 'compensating',
                actions: recordApproval('SG_3'),
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
              actions: { type: 'storeResult', params: { key: 'compensation' } },
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
export type RunMachineV2 = typeof runMachineV2;
