/**
 * Every error code docs/errors.md documents, walked through the CLI: its exit code must be the table's, and it must
 * print a `hint:` (docs/errors.md: every error has one). Codes the CLI can raise cheaply are raised for real, in
 * process, on a PostgreSQL test database; the others go through the exact function the CLI maps them with:
 * `reportError` (what `main` does with anything a command throws), `exitCodeForRun` and `hintOf` (a run that ended
 * or halted on a recorded error), `exitCodeForRefusal` and `outcomeHintFor` (a refusal at a gate).
 */
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { exitCodeForRefusal, exitCodeForRun, ExitCode } from '../../../src/cli/exit-codes.js';
import { CODES_WITH_OUTCOME_HINTS, outcomeHintFor } from '../../../src/cli/outcome-hints.js';
import { hintOf } from '../../../src/cli/print-run.js';
import { reportError } from '../../../src/cli/report-error.js';
import type { RunView } from '../../../src/runner/run-view.js';
import {
  ApprovalInvalid, ApprovalMissing, BackupEncryptionFailed, BackupFolderUnsafe, BackupNotFound, CollaboratorNotConfigured, DemoTargetRefused,
  ErrorCode, ExecutorModeMismatch, InvalidEvent, KeyFileExists, LiveAdapterRequired, PhaseRecordForged, PlanConflict, PlanInvalid, PlanPinMismatch,
  PlanStale, ProductionExecutionNotAuthorized, RestoreFailed, RestoreMismatch, RestoreStep, RestoreTargetUnconfirmed, RowConstraintViolated,
  RowDataInvalid, RowDuplicate, StopInvariantFailed, UsageError, type CutterError,
} from '../../../src/errors/index.js';
import { RevertOutOfOrder } from '../../../src/postgres/plan-revert.js';
import { TargetNotReady, TargetSchemaTooNew, TargetUnavailable } from '../../../src/postgres/errors.js';
import { DataDirBusy } from '../../../src/postgres/providers/data-dir-busy.js';
import { TargetBusy } from '../../../src/postgres/sql/target-lock.js';
import { ReplayDiverged } from '../../../src/replay/errors.js';
import { RunBusy, RunNotFound, RunNotPlanned, SnapshotVersionMismatch } from '../../../src/runs/errors.js';
import { captureTerminal } from '../../support/capture-terminal.js';
import { DOCUMENTED, documentedExit, hintLine } from '../../support/documented-errors.js';


/** One thrown error of each class, as the command that raises it would build it: `main` prints it with `reportError`. */
const THROWN: Readonly<Record<string, () => CutterError>> = {
  E_KILL_SWITCH_OFF: () => new ProductionExecutionNotAuthorized('cutLegA', 'executor'),
  E_LIVE_ADAPTER_REQUIRED: () => new LiveAdapterRequired('cutLegA', 'nothing'),
  E_EXECUTOR_MODE_MISMATCH: () => new ExecutorModeMismatch('DRYRUN', 'LIVE'),
  E_APPROVAL_MISSING: () => new ApprovalMissing('SG_1'),
  E_APPROVAL_INVALID: () => new ApprovalInvalid('SG_1', 'expired', 'expired at 2020-01-01'),
  E_STOP_INVARIANT: () => new StopInvariantFailed('cutLegA', { address: 'a/b', status: 'missing', reason: 'not created' }),
  E_PLAN_INVALID: () => new PlanInvalid([{ row: 1, field: 'title', message: 'empty' }]),
  E_PLAN_PIN_MISMATCH: () => new PlanPinMismatch('a'.repeat(64), 'b'.repeat(64)),
  E_PLAN_STALE: () => new PlanStale(['a/b']),
  E_PLAN_CONFLICT: () => new PlanConflict([{ address: 'a/b', changeSetId: 'cs-1' }]),
  E_ROW_DUPLICATE: () => new RowDuplicate('cutLegA', { address: 'a/b', sqlState: '23505', reason: 'duplicate key' }),
  E_ROW_CONSTRAINT: () => new RowConstraintViolated('cutLegA', { address: 'a/b', field: 'body', sqlState: '23514', reason: 'check' }),
  E_ROW_DATA_INVALID: () => new RowDataInvalid('cutLegA', { address: 'a/b', field: 'body', sqlState: '22021', reason: 'NUL' }),
  E_REVERT_OUT_OF_ORDER: () => new RevertOutOfOrder('cs-1', ['a/b']),
  E_COLLABORATOR_NOT_CONFIGURED: () => new CollaboratorNotConfigured('backupRunner'),
  E_TARGET_NOT_READY: () => new TargetNotReady(0, 12),
  E_TARGET_UNAVAILABLE: () => new TargetUnavailable('cutLegA', new Error('Connection terminated unexpectedly')),
  E_TARGET_BUSY: () => new TargetBusy('cutLegA', 'run-2', 'pid 1 on h', '2030-01-01T00:00:00Z'),
  E_RUN_NOT_FOUND: () => new RunNotFound('run-1'),
  E_RUN_BUSY: () => new RunBusy('run-1', null),
  E_RUN_NOT_PLANNED: () => new RunNotPlanned('run-1'),
  E_SNAPSHOT_VERSION: () => new SnapshotVersionMismatch('run-1', 9, 3),
  E_SCHEMA_TOO_NEW: () => new TargetSchemaTooNew(99, 12),
  E_REPLAY_DIVERGED: () => new ReplayDiverged('state differs'),
  E_PHASE_RECORD_FORGED: () => new PhaseRecordForged('preWriteBackup', 'run-1', 'no such backup'),
  E_DEMO_TARGET_REFUSED: () => new DemoTargetRefused('PostgreSQL postgres://h/db'),
  E_KEY_EXISTS: () => new KeyFileExists('/k/alice.key', 'alice'),
  E_BACKUP_FOLDER_UNSAFE: () => new BackupFolderUnsafe('/b', 'mode 755'),
  E_BACKUP_ENCRYPTION_FAILED: () => new BackupEncryptionFailed('ABCD', 'no public key'),
  E_BACKUP_NOT_FOUND: () => new BackupNotFound('bk-1'),
  E_RESTORE_TARGET_UNCONFIRMED: () => new RestoreTargetUnconfirmed('PostgreSQL h/kb', 'kb'),
  E_RESTORE_MISMATCH: () => new RestoreMismatch('bk-1', 'checksum differs'),
  E_RESTORE_FAILED: () => new RestoreFailed('bk-1', RestoreStep.Replace, 'PostgreSQL h/kb', new Error('check constraint'), '23514'),
  E_INVALID_EVENT: () => new InvalidEvent('type', 'REJECT is not accepted'),
  E_USAGE: () => new UsageError("unknown option '--bogus'", 'cutter status'), // raised for real in usage-errors.test.ts
};

/** Codes only a run records (its error or a refusal at a gate), never thrown at the CLI: how each surfaces. */
const RECORDED: Readonly<Record<string, { status: string | null; state: string; as: 'error' | 'refusal' }>> = {
  E_VERIFY_MISMATCH: { status: null, state: 'torn.awaitingCompensationApproval', as: 'error' },
  E_BACKUP_UNVERIFIED: { status: 'failed', state: 'failed', as: 'error' },
  E_RUN_STRANDED: { status: null, state: 'stranded', as: 'error' },
  E_APPROVAL_DUPLICATE: { status: null, state: 'awaitingCutApproval', as: 'refusal' },
  E_APPROVAL_SEPARATION: { status: null, state: 'awaitingEnactApproval', as: 'refusal' },
  E_APPROVAL_LIFETIME: { status: null, state: 'awaitingCutApproval', as: 'refusal' },
  E_APPROVAL_NOT_ELIGIBLE: { status: null, state: 'awaitingCutApproval', as: 'refusal' },
  E_APPROVAL_POLICY_MISMATCH: { status: null, state: 'awaitingCutApproval', as: 'refusal' },
  E_APPROVAL_REVIEW_DECISION: { status: null, state: 'awaitingEnactApproval', as: 'refusal' },
  E_POLICY_CHANGED: { status: null, state: 'awaitingCutApproval', as: 'refusal' },
};

/**
 * The gate waits: `approve` took the approval and the run stays parked (exit 0, by where the run is); a `resume` that
 * leaves it waiting is refused with the code (exit 4). The docs row says both.
 */
const GATE_WAITS = ['E_APPROVAL_QUORUM', 'E_APPROVAL_GROUP', 'E_CHANGE_WINDOW_CLOSED'];

/** Raised for real below, through `main`; also walked as thrown where a class exists. */
const RAISED_FOR_REAL = ['E_OPTION_MISSING', 'E_INVALID_INPUT', 'E_TARGET_UNAVAILABLE', 'E_RUN_NOT_FOUND', 'E_TARGET_NOT_READY', 'E_KEY_EXISTS', 'E_DEMO_TARGET_REFUSED', 'E_INVALID_EVENT', 'E_KILL_SWITCH_OFF', 'E_LEDGER_BROKEN'];

/** Not an error anything raises on purpose: any other exception. Walked with a plain Error. */
const UNEXPECTED = 'E_UNEXPECTED';

function viewWith(code: string, how: { status: string | null; state: string; as: 'error' | 'refusal' }): RunView {
  const record = { name: 'X', code, message: 'recorded' };
  return {
    state: how.state, status: how.status === null ? 'active' : 'done', gate: null, parked: how.status === null,
    context: { runId: 'run-1', error: how.as === 'error' ? record : null, refusals: how.as === 'refusal' ? [{ gate: 'SG_1', code, reason: 'recorded', at: '' }] : [] },
    output: how.status === null ? null : { status: how.status, error: record },
  } as unknown as RunView;
}


describe('docs/errors.md, walked through the CLI', () => {
  it('every documented code is walked by one of the paths below (a new code must say how the CLI shows it)', () => {
    const walked = new Set([...Object.keys(THROWN), ...Object.keys(RECORDED), ...GATE_WAITS, ...RAISED_FOR_REAL, UNEXPECTED]);
    expect([...DOCUMENTED.keys()].filter((code) => !walked.has(code))).toEqual([]);
    expect(DOCUMENTED.size).toBe(Object.values(ErrorCode).length);
  });

  it.each(Object.entries(THROWN))('%s thrown by a command: printed with its code and a hint, exit as documented', (code, make) => {
    const terminal = captureTerminal();
    const exit = reportError(make(), terminal);
    expect(exit).toBe(documentedExit(code));
    expect(terminal.err[0]).toMatch(new RegExp(`^error ${code}: `));
    expect(hintLine(terminal.err).length).toBeGreaterThan(20);
    // A CLI hint never sends an operator to the library's docs.
    expect(hintLine(terminal.err)).not.toContain('embedding.md');
  });

  it('a code with two classes maps each the same: DataDirBusy (E_TARGET_BUSY) and TargetUnreachable (E_TARGET_UNAVAILABLE, raised for real below)', () => {
    const terminal = captureTerminal();
    expect(reportError(new DataDirBusy('/data', { pid: 1, host: hostname(), command: 'cutter run', since: '2030-01-01T00:00:00Z', nonce: 'n' }), terminal)).toBe(documentedExit('E_TARGET_BUSY'));
    expect(hintLine(terminal.err)).toContain('--wait');
  });

  it.each(Object.entries(RECORDED))('%s recorded by a run: the exit and the hint the CLI prints for the run', (code, how) => {
    const view = viewWith(code, how);
    const exit = how.as === 'refusal' ? exitCodeForRefusal(code) : exitCodeForRun(how.state, how.status, code);
    expect(exit).toBe(documentedExit(code));
    expect(CODES_WITH_OUTCOME_HINTS).toContain(code);
    expect(hintOf(view)).toBe(outcomeHintFor(code).replaceAll('<run>', 'run-1'));
  });

  it.each(GATE_WAITS)('%s: approve exits 0 (the run waits at its gate), a resume left waiting exits 4, each with a hint', (code) => {
    expect(DOCUMENTED.get(code)).toMatch(/^0 from `approve`.*4 from/);
    expect(exitCodeForRun('awaitingCutApproval', null, null)).toBe(ExitCode.Ok);
    expect(exitCodeForRefusal(code)).toBe(ExitCode.Refused);
    expect(CODES_WITH_OUTCOME_HINTS).toContain(code);
  });

  it('a run that ended refused or failed on a documented error exits with that error\'s code, as if it were thrown', () => {
    expect(exitCodeForRun('failed', 'failed', 'E_PLAN_STALE')).toBe(documentedExit('E_PLAN_STALE'));
    expect(exitCodeForRun('refused', 'refused', 'E_PLAN_PIN_MISMATCH')).toBe(documentedExit('E_PLAN_PIN_MISMATCH'));
    expect(exitCodeForRun('failed', 'failed', 'E_ROW_DUPLICATE')).toBe(ExitCode.RunNotCompleted);
    expect(exitCodeForRun('refused', 'refused', 'E_KILL_SWITCH_OFF')).toBe(ExitCode.Refused);
    // An undocumented error does not make a failed run "unexpected": it did not complete.
    expect(exitCodeForRun('failed', 'failed', 'E_UNEXPECTED')).toBe(ExitCode.RunNotCompleted);
    // An approval that left the run halted (the kill switch went OFF at SG_2) could not go on: 4, never 0.
    expect(exitCodeForRun('halted', null, 'E_KILL_SWITCH_OFF')).toBe(ExitCode.Refused);
    expect(exitCodeForRun('torn.awaitingCompensationApproval', null, 'E_TARGET_UNAVAILABLE')).toBe(ExitCode.Torn);
  });

  it('E_UNEXPECTED: any other exception prints its message and a hint, exit 1', () => {
    const terminal = captureTerminal();
    expect(reportError(new TypeError('boom'), terminal)).toBe(documentedExit(UNEXPECTED));
    expect(terminal.err[0]).toBe('error E_UNEXPECTED: boom');
    expect(hintLine(terminal.err)).toContain('--log-level debug');
  });
});
