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

/** Every migration this build carries, in version order. */
export const SNAPSHOT_MIGRATIONS: readonly SnapshotMigration[] = [
  {
    from: 1,
    to: 2,
    summary: 'adds the state stranded (for runs a later release cannot carry on); no stored state, actor or context field changes',
  },
];
