/** The CLI's exit codes. Documented in docs/cli.md; scripts may rely on them. */
export const ExitCode = {
  /** The command did what was asked (a run completed, or parked at a gate as intended). */
  Ok: 0,
  /** An unexpected error: a bug, or an environment problem with no better code. */
  Unexpected: 1,
  /** The command line itself was wrong (unknown option, missing argument). */
  Usage: 2,
  /** Input was invalid: a malformed plan, file or event. Nothing was written. */
  InvalidInput: 3,
  /** Refused by a safety lock: kill switch OFF, approval invalid, executor missing. Nothing was written. */
  Refused: 4,
  /** A run ended without completing: failed, rejected, cancelled, or compensated after tearing. */
  RunNotCompleted: 5,
  /** A run is torn and waits at SG_3: committed writes need compensation. */
  Torn: 6,
  /** An integrity check failed: the ledger's hash chain is broken, or a run's journal does not replay to its snapshot. */
  IntegrityFailure: 7,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The exit code of each documented error code (docs/errors.md, last column). A test walks that table against this one,
 * so a code missing here (which would exit 1) or mapped differently fails it.
 */
const BY_ERROR_CODE: Readonly<Record<string, ExitCode>> = {
  E_OPTION_MISSING: ExitCode.Usage,
  E_USAGE: ExitCode.Usage,
  E_PLAN_INVALID: ExitCode.InvalidInput,
  E_PLAN_PIN_MISMATCH: ExitCode.InvalidInput,
  E_PLAN_STALE: ExitCode.InvalidInput,
  E_PLAN_CONFLICT: ExitCode.Refused,
  E_REVERT_OUT_OF_ORDER: ExitCode.Refused,
  E_INVALID_EVENT: ExitCode.InvalidInput,
  E_INVALID_INPUT: ExitCode.InvalidInput,
  E_KILL_SWITCH_OFF: ExitCode.Refused,
  E_LIVE_ADAPTER_REQUIRED: ExitCode.Refused,
  E_EXECUTOR_MODE_MISMATCH: ExitCode.Refused,
  E_APPROVAL_MISSING: ExitCode.Refused,
  E_APPROVAL_INVALID: ExitCode.Refused,
  E_APPROVAL_DUPLICATE: ExitCode.Refused,
  E_APPROVAL_SEPARATION: ExitCode.Refused,
  E_APPROVAL_LIFETIME: ExitCode.Refused,
  E_APPROVAL_NOT_ELIGIBLE: ExitCode.Refused,
  E_APPROVAL_POLICY_MISMATCH: ExitCode.Refused,
  E_APPROVAL_REVIEW_DECISION: ExitCode.Refused,
  E_POLICY_CHANGED: ExitCode.Refused,
  // The gate waits: `approve` took the approval and exits by where the run is (0 at a gate); only a `resume` that
  // leaves the run waiting is refused with one of these.
  E_APPROVAL_QUORUM: ExitCode.Refused,
  E_APPROVAL_GROUP: ExitCode.Refused,
  E_CHANGE_WINDOW_CLOSED: ExitCode.Refused,
  E_STOP_INVARIANT: ExitCode.RunNotCompleted,
  E_ROW_DUPLICATE: ExitCode.RunNotCompleted,
  E_ROW_CONSTRAINT: ExitCode.RunNotCompleted,
  E_ROW_DATA_INVALID: ExitCode.RunNotCompleted,
  E_BACKUP_UNVERIFIED: ExitCode.RunNotCompleted,
  E_VERIFY_MISMATCH: ExitCode.Torn,
  E_COLLABORATOR_NOT_CONFIGURED: ExitCode.Refused,
  E_TARGET_NOT_READY: ExitCode.Refused,
  E_TARGET_BUSY: ExitCode.Refused,
  E_TARGET_UNAVAILABLE: ExitCode.Refused,
  E_RUN_NOT_FOUND: ExitCode.InvalidInput,
  E_RUN_NOT_PLANNED: ExitCode.Refused,
  E_RUN_BUSY: ExitCode.Refused,
  E_SNAPSHOT_VERSION: ExitCode.Refused,
  E_SCHEMA_TOO_NEW: ExitCode.Refused,
  E_RUN_STRANDED: ExitCode.Refused,
  E_LEDGER_BROKEN: ExitCode.IntegrityFailure,
  E_REPLAY_DIVERGED: ExitCode.IntegrityFailure,
  E_PHASE_RECORD_FORGED: ExitCode.RunNotCompleted,
  E_DEMO_TARGET_REFUSED: ExitCode.Refused,
  E_KEY_EXISTS: ExitCode.InvalidInput,
  E_BACKUP_FOLDER_UNSAFE: ExitCode.Refused,
  E_BACKUP_ENCRYPTION_FAILED: ExitCode.Refused,
  E_BACKUP_NOT_FOUND: ExitCode.InvalidInput,
  E_RESTORE_TARGET_UNCONFIRMED: ExitCode.Refused,
  E_RESTORE_MISMATCH: ExitCode.IntegrityFailure,
  E_RESTORE_FAILED: ExitCode.Refused,
};

/** The exit code for an error code. */
export function exitCodeForError(code: string): ExitCode {
  return BY_ERROR_CODE[code] ?? ExitCode.Unexpected;
}

/** The exit code of a command refused at a gate: the refusal code's documented one; 4 for a code this build does not know. */
export function exitCodeForRefusal(code: string): ExitCode {
  const exit = exitCodeForError(code);
  return exit === ExitCode.Unexpected ? ExitCode.Refused : exit;
}

/**
 * The exit code for how a run ended (or where it parked). A run that ended refused or failed on a documented error
 * exits with that error's code (a stale plan 3, a row the database refused 5, the kill switch 4), as the same error
 * thrown by a command would: docs/errors.md gives one exit code per error, however it surfaced.
 */
export function exitCodeForRun(state: string, status: string | null, errorCode?: string | null): ExitCode {
  if (status === 'completed') return ExitCode.Ok;
  const byError = errorCode === undefined || errorCode === null ? undefined : BY_ERROR_CODE[errorCode];
  if ((status === 'refused' || status === 'failed') && byError !== undefined) return byError;
  if (status === 'refused') return ExitCode.Refused;
  if (state.startsWith('torn')) return ExitCode.Torn;
  // Parked, but not as intended: a halted run could not go on now (kill switch, busy or unreachable target); a stranded
  // one cannot continue under this release.
  if (state === 'stranded' || state === 'halted') return ExitCode.Refused;
  if (status === null) return ExitCode.Ok; // parked at a gate: waiting as intended
  return ExitCode.RunNotCompleted;
}

/** {@link exitCodeForRun} of a run's view. */
export function exitCodeForView(view: { readonly state: string; readonly output: { readonly status: string } | null; readonly context: { readonly error: { readonly code: string } | null } }): ExitCode {
  return exitCodeForRun(view.state, view.output?.status ?? null, view.context.error?.code ?? null);
}
