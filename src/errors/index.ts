export { CutterError, toErrorRecord, hasCode, type ErrorRecord } from './cutter-error.js';
export { ErrorCode } from './codes.js';
export {
  ProductionExecutionNotAuthorized,
  KillSwitchLock,
  LiveAdapterRequired,
  ExecutorModeMismatch,
  StopInvariantFailed,
  CollaboratorNotConfigured,
  PhaseRecordForged,
} from './execution-errors.js';
export { ApprovalMissing, ApprovalInvalid, ApprovalRefusal } from './approval-errors.js';
export { KeyFileExists } from './file-errors.js';
export { RowDuplicate, RowConstraintViolated, RowDataInvalid, type RefusedRow } from './row-errors.js';
export { PlanInvalid, PlanPinMismatch, PlanStale, PlanConflict, InvalidEvent, InvalidInput, OptionMissing, UsageError, type PlanIssue } from './input-errors.js';
export { DemoTargetRefused } from './demo-errors.js';
export { BackupFolderUnsafe, BackupEncryptionFailed, BackupNotFound, RestoreTargetUnconfirmed, RestoreMismatch, RestoreFailed, RestoreStep } from './backup-errors.js';
