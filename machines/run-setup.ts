import { assign, fromPromise, or, setup } from 'xstate';
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
  PhaseResults,
  PrecheckOutput,
  ApprovalRecord,
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

/** The run's pinned change set. Every state after planning has one; asking for it before is a machine bug. */
export function pinnedChangeSet(context: Pick<RunContext, 'changeSet'>): ChangeSet {
  if (context.changeSet === null) throw new Error('no change set pinned');
  return context.changeSet;
}

export const phaseInput = ({ context }: { context: RunContext }): PhaseInput => ({ runId: context.runId, mode: context.mode, changeSet: pinnedChangeSet(context) });

/**
 * Errors that say "not now" rather than "wrong": a kill-switch lock refused, the target could not be reached, or
 * another run holds it. Nothing of the phase was kept; after SG_1 the run halts, resumable, instead of ending or
 * tearing (a cut refused so may have committed in a process that died before recording it).
 */
export const RESUMABLE_CODES: ReadonlySet<unknown> = new Set(['E_KILL_SWITCH_OFF', 'E_TARGET_UNAVAILABLE', 'E_TARGET_BUSY']);
/** An actor may reject with anything, `null` included: only a known code makes an error resumable. */
export const isResumableError = (error: unknown): boolean => RESUMABLE_CODES.has((error as { code?: unknown } | null | undefined)?.code);

/** Why the machine's own kill-switch lock refused: recorded as the run's error and as a refusal. */
export const MACHINE_LOCK_REASON = 'LIVE execution is not authorised: the kill switch is OFF (machine lock)';

const REFUSALS = {
  'kill-switch': { code: 'E_KILL_SWITCH_OFF', name: 'ProductionExecutionNotAuthorized', reason: MACHINE_LOCK_REASON },
  executor: { code: 'E_LIVE_ADAPTER_REQUIRED', name: 'LiveAdapterRequired', reason: 'the run has no executor of its mode' },
} as const;

/** The context changes of a refusal by one of the machine's own locks: journalled, and the run's error. */
function refusedBy(context: RunContext, lock: keyof typeof REFUSALS): Pick<RunContext, 'refusals' | 'error'> {
  const { code, name, reason } = REFUSALS[lock];
  return { refusals: [...context.refusals, { gate: lock, code, reason }], error: { name, code, message: reason } };
}

/** The parameterised approval guard for one gate: the event's approval may be collected there. */
export const approvalValidFor = (gate: Gate) => ({ type: 'approvalValid', params: { gate } }) as const;
/** The parameterised policy guard for one gate: with the approvals collected (and the event's), the policy is met now. */
export const gateOpensFor = (gate: Gate) => ({ type: 'gateOpens', params: { gate } }) as const;

/** The approval an APPROVE event carries, as the run keeps it: bound to the policy the run is judged by. */
export function approvalRecordOf(context: Pick<RunContext, 'policyHash'>, event: RunEvent, gate: Gate): ApprovalRecord {
  const { approver, reason, issuedAt, expiresAt, reviewDecisionId, notBefore } = (event as Extract<RunEvent, { type: 'APPROVE' }>).approval;
  return {
    gate,
    approver,
    reason,
    issuedAt,
    expiresAt,
    ...(reviewDecisionId === undefined ? {} : { reviewDecisionId }),
    ...(notBefore === undefined ? {} : { notBefore }),
    ...(context.policyHash === null ? {} : { policyHash: context.policyHash }),
  };
}

export const output =
  (status: FinalStatus) =>
  ({ context }: { context: RunContext }): RunOutput => ({
    status,
    runId: context.runId,
    mode: context.mode,
    changeSetId: context.changeSet?.changeSetId ?? null,
    planHash: context.changeSet?.planHash ?? null,
    // A DRYRUN commits nothing: what its simulator answered for is what a LIVE run would commit.
    committed: context.mode === 'DRYRUN' ? [] : context.committed,
    ...(context.mode === 'DRYRUN' ? { wouldCommit: context.committed } : {}),
    error: context.error,
    results: context.results,
  });

/**
 * The run machine's vocabulary: the actors it invokes, the guards and actions it names. Implementations here are the
 * fail-closed defaults (no executor, kill switch OFF, every approval refused); a run binds real ones with `provide`.
 */
export const runSetup = setup({
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
    /** The event's approval is valid for this gate, run, change set and plan, and the policy lets it be collected. Bound by the runner. */
    approvalValid: (_, _params: { gate: Gate }) => false,
    /** The policy is met at this gate now, counting the event's approval if it carries one. Bound by the runner. */
    gateOpens: (_, _params: { gate: Gate }) => false,
    /** A BIND_POLICY names the policy in force. Bound by the runner. */
    policyInForce: () => false,
    isDryRun: ({ context }) => context.mode === 'DRYRUN',
    /** DRYRUN, or LIVE with the kill switch ON: the machine's own kill-switch lock. */
    liveExecutionAllowed: or(['isDryRun', 'killSwitchOn']),
    resumableError: ({ event }) => isResumableError((event as { error?: unknown }).error),
    /** I7: an unverified backup is no backup; the first write never follows it. */
    backupUnverified: ({ event }) => (event as { output?: BackupResult }).output?.verified !== true,
    verifyPassed: ({ event }) => (event as { output?: VerifyResult }).output?.ok === true,
    /** A REJECT names the gate it answers, so a stale rejection cannot land on a later gate. */
    rejectsGate: ({ event }, params: { gate: Gate }) => (event as { gate?: unknown }).gate === params.gate,
    haltedBefore: ({ context }, params: { state: ResumableState }) => context.haltedBefore === params.state,
    /** Past SG_1 the cut may have committed, even if the run never recorded it (a crash mid-phase): compensate, never just end. */
    mayHaveWritten: ({ context }) => context.committed.length > 0 || context.approvals.SG_1 !== undefined,
  },
  actions: {
    /** Records why an approval was refused. The runner binds a version that names the exact reason. */
    recordApprovalRefusal: assign({
      refusals: ({ context }, params: { gate: Gate }) => [
        ...context.refusals,
        { gate: params.gate, code: 'E_APPROVAL_INVALID', reason: 'no approval verifier is bound to this run' },
      ],
    }),
    /** Keeps the event's approval among those collected at the gate. Bound to APPROVE transitions only. */
    collectApproval: assign({
      collected: ({ context, event }, params: { gate: Gate }) => ({
        ...context.collected,
        [params.gate]: [...(context.collected[params.gate] ?? []), approvalRecordOf(context, event, params.gate)],
      }),
    }),
    /** The gate opens: the newest approval collected there is the one the run goes on with (SG_2's review decision). */
    openGate: assign({
      approvals: ({ context }, params: { gate: Gate }) => {
        const newest = context.collected[params.gate]?.at(-1);
        return newest === undefined ? context.approvals : { ...context.approvals, [params.gate]: newest };
      },
    }),
    /** Records why the gate did not open yet. The runner binds a version that names each unmet rule. */
    recordGateWaiting: assign({
      refusals: ({ context }, params: { gate: Gate }) => [
        ...context.refusals,
        { gate: 'policy' as const, code: 'E_APPROVAL_QUORUM', reason: `${params.gate} waits: no approval policy is bound to this run` },
      ],
    }),
    bindPolicy: assign({
      policyHash: ({ context, event }) => (event.type === 'BIND_POLICY' ? event.policyHash : context.policyHash),
      error: null,
    }),
    recordPolicyBindRefusal: assign({
      refusals: ({ context }) => [...context.refusals, { gate: 'policy' as const, code: 'E_POLICY_CHANGED', reason: 'the policy named is not the one in force' }],
    }),
    recordKillSwitchRefusal: assign(({ context }) => refusedBy(context, 'kill-switch')),
    recordExecutorRefusal: assign(({ context }) => refusedBy(context, 'executor')),
    /** Keeps a phase's output in the context's results (plain JSON: it is persisted). */
    storeResult: assign({
      results: ({ context, event }, params: { key: keyof PhaseResults }) => ({ ...context.results, [params.key]: (event as { output?: unknown }).output }),
    }),
    /** Verification read back something other than the plan: say what, for the operator at SG_3. */
    recordVerifyMismatch: assign({
      results: ({ context, event }) => ({ ...context.results, verify: (event as unknown as { output: VerifyResult }).output }),
      error: ({ event }) => {
        const v = (event as { output?: VerifyResult }).output;
        const message = v === undefined
          ? 'verification returned no result'
          : `verification found ${v.actualCount} rows (digest ${v.actualDigest.slice(0, 12)}), expected ${v.expectedCount} (digest ${v.expectedDigest.slice(0, 12)})`;
        return { name: 'VerifyMismatch', code: 'E_VERIFY_MISMATCH', message };
      },
    }),
    recordError: assign({ error: ({ event }) => toErrorRecord((event as { error?: unknown }).error) }),
    /** A mutating phase committed: keep its result and remember the commit (a later failure tears the run). */
    recordCommit: assign({
      results: ({ context, event }, params: { phase: MutatingPhase }) => ({ ...context.results, [params.phase]: (event as { output?: unknown }).output }),
      committed: ({ context }, params: { phase: MutatingPhase }) =>
        context.committed.includes(params.phase) ? context.committed : [...context.committed, params.phase],
    }),
    markHalted: assign({ haltedBefore: (_, params: { state: ResumableState }) => params.state }),
    /** The machine's kill-switch lock stopped the run after a commit: halt before `state`, resumable. */
    haltBefore: assign(({ context }, params: { state: ResumableState }) => ({ ...refusedBy(context, 'kill-switch'), haltedBefore: params.state })),
    clearHalt: assign({ haltedBefore: null, error: null }),
    clearError: assign({ error: null }),
    markTorn: assign({ tornReason: (_, params: { reason: string }) => params.reason }),
  },
});
