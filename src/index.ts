/**
 * iu-cutter: carry a planned batch of writes into a PostgreSQL knowledge base through a gated, audited, reversible
 * run. The public API, exported by name.
 *
 * @packageDocumentation
 */

// Runs
export { createRun, type CreateRunOptions, type Run, type ApprovalOutcome } from './runner/create-run.js';
export { type RunView, statePath } from './runner/run-view.js';
export { parseRunEvent } from './runner/run-events.js';

// Watching and replaying runs
/**
 * The `inspect` option of `createRun` / `createDurableRun` / `restoreRun`: xstate's inspection observer (or a plain
 * function), for example `@statelyai/inspect`'s `inspector.inspect`. What it receives is sanitised first (no IU
 * bodies, approval signatures, keys or DSNs; ids, counts, hashes, states and error codes kept), and every `actorRef`
 * in it is a read-only stand-in whose `send` throws.
 */
export type { RunInspector, InspectedSnapshot } from './runner/run-inspection.js';
export { sanitizeForInspection, scrubText, REDACTED } from './runner/sanitize-for-inspection.js';
export { replayJournal, type ReplayStep } from './replay/replay-journal.js';
export { replayStoredRun, assertReplayMatches, type StoredRunReplay, type RunReader } from './replay/replay-stored-run.js';
export { ReplayDiverged } from './replay/errors.js';

// The statechart (unbound: for diagrams, inspection and model tests; runs are made with createRun)
export { runMachine, type RunMachine } from '../machines/run-machine.js';
export {
  PhaseId,
  FinalStatus,
  type RunContext,
  type RunEvent,
  type RunInput,
  type RunOutput,
  type PhaseInput,
  type CutSummary,
  type EnactSummary,
  type ApprovalRecord,
  type Refusal,
} from '../machines/run-types.js';

// Domain
export { Mode } from './domain/mode.js';
export { Gate, ApprovalSchema, ApprovalClaimsSchema, type Approval, type ApprovalClaims } from './domain/approval.js';
export { IURowSchema, contentHashOf, type IURow, type IURowInput } from './domain/iu.js';
export { validateCutplan, type Cutplan } from './domain/cutplan.js';
export { pinChangeSet, planHashOf, contentDigestOf, type ChangeSet } from './domain/change-set.js';
export { PlanLimits, ADDRESS_PATTERN } from './domain/limits.js';
export type {
  IUCreateResult,
  BackupResult,
  LegBResult,
  VerifyResult,
  EnactBatchResult,
  CompensationResult,
} from './domain/results.js';

// Planning
export { cutMarkdown, planFromMarkdown, planFromRows, loadPlanSources, parseRowsJson, parseRowsNdjson, type MarkdownDocument } from './planning/index.js';

// Executors
export { type Executor, type ExecutionContext, type VerifyExpectation, type PrecheckReport, ExecutorMethod } from './executors/executor.js';
export { LiveExecutionAdapter, isLiveAdapter } from './executors/live-adapter.js';
export { DryRunSimulator, type SimulatedAddress } from './executors/simulator.js';

// Kill switch and approvals
export { type KillSwitch, InMemoryKillSwitch, EnvKillSwitch, KILL_SWITCH_ENV, killSwitchAlwaysOff, readKillSwitch } from './kill-switch/index.js';
export { generateApproverKeyPair, signApproval, checkApproval, type ApprovalPolicy, type ApproverKeyPair } from './approvals/index.js';

// Errors
export {
  CutterError,
  ErrorCode,
  toErrorRecord,
  type ErrorRecord,
  ProductionExecutionNotAuthorized,
  LiveAdapterRequired,
  ExecutorModeMismatch,
  StopInvariantFailed,
  CollaboratorNotConfigured,
  ApprovalMissing,
  ApprovalInvalid,
  ApprovalRefusal,
  PlanInvalid,
  PlanPinMismatch,
  InvalidEvent,
  InvalidInput,
  type PlanIssue,
} from './errors/index.js';

// Logging and diagrams
export { createLogger, silentLogger, type Logger } from './logging/logger.js';
export { toMermaid, toDot, describeStatechart } from './chart/index.js';
// Run reports: one self-contained HTML page per stored run (what `cutter report` writes)
export { buildRunReport, type RunReportOptions, type ReportModel } from './report/index.js';

// PostgreSQL (and the embedded PGlite target, through the same port)
export { PostgresLiveExecutionAdapter, type PostgresAdapterOptions, type PhaseProgress } from './postgres/postgres-adapter.js';
export { type ConnectionProvider, type DbSession, type QueryResult, DbRole } from './postgres/port.js';
export { createPgConnections, type PgConnectionConfig, type PgConnections } from './postgres/providers/pg-provider.js';
export { openEmbeddedDatabase, type EmbeddedDatabase } from './postgres/providers/pglite-provider.js';
export { acquireDataDirLock, type DataDirLock, type DataDirLockOptions } from './postgres/providers/data-dir-lock.js';
export { DataDirBusy } from './postgres/providers/data-dir-busy.js';
export { type DataDirHolder } from './postgres/providers/data-dir-holder.js';
export { maskDsn } from './postgres/providers/mask-dsn.js';
export { openTarget, type TargetConfig, type OpenTarget } from './postgres/open-target.js';
export { applyMigrations, LATEST_SCHEMA_VERSION, type MigrationReport } from './postgres/migrations/index.js';
export { classifyPlan, type ClassifiedPlan, type ClassifyOptions } from './postgres/classify.js';
export { pinSourceRows, type PinSourcesOptions } from './postgres/pin-sources.js';
export { type StagedPlan, type StreamedSourceRow } from './postgres/sql/streamed-plan.js';
export { type PinnedPlanFacts } from './domain/pinned-plan-facts.js';
export { planRevert, RevertOutOfOrder, type RevertPlan } from './postgres/plan-revert.js';
export { readAddressHistory, readChangeSets, type AddressVersion, type ChangeSetEntry } from './postgres/sql/history.js';
export { type BackupRunner, type BackupRequest } from './postgres/backups/backup-runner.js';
export { snapshotBackupRunner, restoreSnapshot } from './postgres/backups/snapshot-runner.js';
export { createPgDumpBackupRunner, type PgDumpRunnerOptions } from './postgres/backups/pg-dump-runner.js';
export { restoreBackup, type RestoreRequest, type RestoreReport, type RestoreSource } from './postgres/backups/restore-backup.js';
export { createScratchDatabase, createScratchFolder, openIntoDestination, type RestoreDestination } from './postgres/backups/restore-destination.js';
export { listBackups, findBackup, type BackupRecord } from './postgres/sql/backups.js';
export { setDatabaseKillSwitch } from './postgres/sql/kill-switch.js';
export { readLedger, readTimedLedger, type TimedLedgerRecord } from './postgres/sql/ledger.js';
export { TargetNotReady, TargetSchemaTooNew } from './postgres/errors.js';
export { verifyLedgerChain, ledgerRecordHash, GENESIS_HASH, type LedgerRecord, type LedgerEntry } from './domain/ledger-chain.js';

// Durable runs: a run store, and runs that any process can restore
export { createDurableRun, restoreRun, type DurableRunOptions, type RestoreRunOptions } from './runs/durable-run.js';
export { findRun, type RunStore, type StoredRun, type JournalEntry, type WriteFence, type HoldClaim, type StoredMigration } from './runs/run-store.js';
export { MemoryRunStore } from './runs/memory-run-store.js';
export { PostgresRunStore } from './postgres/run-store.js';
export { ApprovedPlanChanged, RunBusy, RunEndedUnderEarlierRelease, RunNotFound, RunNotPlanned, SnapshotVersionMismatch, type RunHolder } from './runs/errors.js';
export { holdRun, type HoldOptions, type RunHold } from './runs/run-hold.js';
export { RUN_SNAPSHOT_VERSION } from '../machines/snapshot-version.js';
export { type RunJournal, type JournalEvent } from './runner/run-journal.js';
export { PlanStale, PlanConflict } from './errors/index.js';
export { RowDuplicate, RowConstraintViolated, RowDataInvalid, type RefusedRow } from './errors/index.js';
export { TargetUnavailable } from './postgres/errors.js';
export { TargetBusy } from './postgres/sql/target-lock.js';
export { loadConfig, type CutterConfig } from './config/config.js';
