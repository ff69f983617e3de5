/**
 * How a run stored by one release of the machine is brought to the next: one migration per snapshot version step.
 * Runs park for days at a gate or halted; a release that changes the machine must carry them, so every bump of
 * RUN_SNAPSHOT_VERSION comes with its migration here (and with fixtures of the new version's parking states under
 * test/fixtures/runs/; a test fails until both exist).
 *
 * A migration says what changed, declaratively where it can: states renamed or moved, invoke ids renamed, context
 * fields added with their defaults. The same rules carry the run's journal, so an old journal replays on the new
 * machine (replay tests check that it arrives where the migrated snapshot is). A state mapped to `null` is gone: a
 * run parked there cannot continue and is stranded, and can then only be cancelled (to SG_3 if it may have written).
 */

import { isResumableError, MACHINE_LOCK_REASON } from './run-setup.js';

/** A persisted run snapshot as stored (xstate's persisted form, plain JSON). */
export interface PersistedRun {
  readonly value: unknown;
  readonly status: string;
  readonly context: Readonly<Record<string, unknown>>;
  readonly children: Readonly<Record<string, PersistedChild>>;
  readonly [key: string]: unknown;
}

/** An invoked actor in flight when the run was stored: restored, it runs again (phases are idempotent). */
export interface PersistedChild {
  readonly src: string;
  readonly snapshot: unknown;
  readonly [key: string]: unknown;
}

/** A journal event as stored: plain JSON with a type. */
export type StoredEvent = Readonly<Record<string, unknown>> & { readonly type: string };

export interface SnapshotMigration {
  readonly from: number;
  /** Always `from + 1`. */
  readonly to: number;
  /** What changed, in one line: journalled with each migrated run and shown by `cutter upgrade-check`. */
  readonly summary: string;
  /** States renamed or moved: old dotted path (or a parent's) → new path; `null`: the state is gone. */
  readonly states?: Readonly<Record<string, string | null>>;
  /** Invoke ids renamed: the child in flight and the journal's `xstate.done/error.actor.<id>` events follow. */
  readonly actors?: Readonly<Record<string, { readonly id: string; readonly src: string }>>;
  /** Context fields added with their defaults, renamed or reshaped. Called for the context of every state. */
  readonly context?: (context: Readonly<Record<string, unknown>>) => Record<string, unknown>;
  /** The run's input as journalled with `xstate.init` (the replay starts from it), where the input changed. */
  readonly input?: (input: Readonly<Record<string, unknown>>) => Record<string, unknown>;
  /** Any other change to a whole snapshot, applied last (e.g. an in-flight child's input). */
  readonly snapshot?: (snapshot: PersistedRun) => PersistedRun;
  /** Any other change to a journal event, applied after the actor renames. */
  readonly event?: (event: StoredEvent) => StoredEvent;
}

type Context = Readonly<Record<string, unknown>>;
/** The run's error record, as stored: `{ name, code, message, phase? }`, or null. */
interface StoredError { readonly code?: string; readonly message?: string }
const errorOf = (context: Context): StoredError | null => (typeof context.error === 'object' ? (context.error) : null);

/**
 * Version 3 no longer ends a run for a refusal that passes (kill switch OFF, target busy or unreachable) after SG_1:
 * it halts it, resumable, and a compensation refused so waits at SG_3 again. A run version 2 ended that way is
 * reopened exactly where version 3 would have left it, so its journal replays on version 3 to the migrated snapshot:
 * - refused after the backup (the machine's lock, or the cut refused) → halted before the cut (the cut may have
 *   committed in a process that died before recording it; resuming replays it if it did);
 * - refused by the machine's lock at SG_1 → back at SG_1, the approval it never acted on not taken;
 * - refused in the backup → halted before the backup;
 * - compensation refused → waiting at SG_3.
 */
function reopenPassingRefusals(snapshot: PersistedRun): PersistedRun {
  if (snapshot.status !== 'done') return snapshot;
  const { context } = snapshot;
  const error = errorOf(context);
  const passing = isResumableError(error);
  const approvals = (context.approvals ?? {}) as Record<string, unknown>;
  const reopened = (value: unknown, changes: Record<string, unknown>): PersistedRun => {
    const { output: _output, ...rest } = snapshot;
    return { ...rest, value, status: 'active', context: { ...context, ...changes } };
  };
  if (snapshot.value === 'compensationFailed' && passing) return reopened({ torn: 'awaitingCompensationApproval' }, {});
  if (snapshot.value !== 'refused' || approvals.SG_1 === undefined || !passing) return snapshot;
  if ((context.results as { backup?: unknown } | undefined)?.backup !== undefined) return reopened('halted', { haltedBefore: 'cutting' });
  if (error?.message !== MACHINE_LOCK_REASON) return reopened('halted', { haltedBefore: 'backingUp' });
  const { SG_1: _sg1, ...others } = approvals;
  return reopened('awaitingCutApproval', { approvals: others });
}

/**
 * Version 4 collects approvals (a gate opens when the policy is met, not on the first valid approval) and binds each
 * run to the policy it was created under. A run stored before has each gate it passed opened by the one approval it
 * kept, which is also all it collected there; it is bound to no policy (null: judged by the one in force).
 */
function collectPassedApprovals(context: Context): Record<string, unknown> {
  const approvals = (context.approvals ?? {}) as Record<string, unknown>;
  const collected = Object.fromEntries(Object.entries(approvals).map(([gate, record]) => [gate, [record]]));
  return { ...context, policyHash: context.policyHash ?? null, collected: context.collected ?? collected };
}

/** Every migration this build carries, in version order. */
export const SNAPSHOT_MIGRATIONS: readonly SnapshotMigration[] = [
  {
    from: 1,
    to: 2,
    summary: 'adds the state stranded (for runs a later release cannot carry on); no stored state, actor or context field changes',
  },
  {
    from: 2,
    to: 3,
    summary: 'refusals that pass (kill switch, busy or unreachable target) halt a run after SG_1 instead of ending it; runs version 2 ended so are reopened where version 3 leaves them',
    snapshot: reopenPassingRefusals,
  },
  {
    from: 3,
    to: 4,
    summary: 'gates collect approvals and open when the approval policy is met (quorum, groups, separation of duties, windows); runs are bound to a policy; a run stored before keeps the approvals it passed its gates with, bound to no policy (the one in force judges it)',
    context: collectPassedApprovals,
  },
];
