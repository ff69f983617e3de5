/** Every stable error code Cutter emits. The table in docs/errors.md is checked against this list by a test. */
export const ErrorCode = {
  KillSwitchOff: 'E_KILL_SWITCH_OFF',
  LiveAdapterRequired: 'E_LIVE_ADAPTER_REQUIRED',
  ExecutorModeMismatch: 'E_EXECUTOR_MODE_MISMATCH',
  ApprovalMissing: 'E_APPROVAL_MISSING',
  ApprovalInvalid: 'E_APPROVAL_INVALID',
  StopInvariant: 'E_STOP_INVARIANT',
  PlanInvalid: 'E_PLAN_INVALID',
  PlanPinMismatch: 'E_PLAN_PIN_MISMATCH',
  PlanStale: 'E_PLAN_STALE',
  InvalidEvent: 'E_INVALID_EVENT',
  InvalidInput: 'E_INVALID_INPUT',
  CollaboratorNotConfigured: 'E_COLLABORATOR_NOT_CONFIGURED',
  VerifyMismatch: 'E_VERIFY_MISMATCH',
  BackupUnverified: 'E_BACKUP_UNVERIFIED',
  TargetNotReady: 'E_TARGET_NOT_READY',
  LedgerBroken: 'E_LEDGER_BROKEN',
  TargetBusy: 'E_TARGET_BUSY',
  TargetUnavailable: 'E_TARGET_UNAVAILABLE',
  RunNotFound: 'E_RUN_NOT_FOUND',
  RunNotPlanned: 'E_RUN_NOT_PLANNED',
  SnapshotVersion: 'E_SNAPSHOT_VERSION',
  ReplayDiverged: 'E_REPLAY_DIVERGED',
  Unexpected: 'E_UNEXPECTED',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
