import { CutterError } from './cutter-error.js';
import { ErrorCode } from './codes.js';

/**
 * The kill switch is OFF (or could not be read, which counts as OFF): a LIVE phase refused before any write.
 * Named after the predecessor's `ProductionExecutionNotAuthorized`.
 */
export class ProductionExecutionNotAuthorized extends CutterError {
  readonly code = ErrorCode.KillSwitchOff;
  readonly hint = 'Turn the kill switch ON for this target (cutter kill-switch on) only when a LIVE write is intended.';
  /** Which of the locks refused: the machine's guard, the phase actor, the executor or the database row. */
  readonly lock: KillSwitchLock;

  constructor(phase: string, lock: KillSwitchLock, cause?: unknown) {
    super(`LIVE execution is not authorised: the kill switch is OFF (${lock} lock, phase ${phase})`, { phase, cause });
    this.lock = lock;
  }
}

/** The independent places where the kill switch is read. */
export const KillSwitchLock = {
  Machine: 'machine',
  Phase: 'phase',
  Executor: 'executor',
  Database: 'database',
} as const;
export type KillSwitchLock = (typeof KillSwitchLock)[keyof typeof KillSwitchLock];

/** A LIVE run, or a LIVE phase, has no live adapter: it fails closed rather than fall back to anything else. */
export class LiveAdapterRequired extends CutterError {
  readonly code = ErrorCode.LiveAdapterRequired;
  readonly hint = 'Pass a LiveExecutionAdapter (for example PostgresLiveExecutionAdapter) as the executor of a LIVE run.';

  constructor(phase: string, found: string) {
    super(`a LIVE run needs a LiveExecutionAdapter; got ${found}`, { phase });
  }
}

/** The executor handed to a run is of the other mode (for example a live adapter for a DRYRUN run). */
export class ExecutorModeMismatch extends CutterError {
  readonly code = ErrorCode.ExecutorModeMismatch;
  readonly hint = 'DRYRUN runs use the simulator; LIVE runs use a live adapter. Create the run with the executor of its mode.';

  constructor(runMode: string, executorMode: string) {
    super(`the run's mode is ${runMode} but its executor answers ${executorMode}`, { phase: 'create' });
  }
}

/**
 * A batch in which one row did not come back as expected (`created`, `enacted`, ...). The phase's transaction rolls
 * back whole.
 */
export class StopInvariantFailed extends CutterError {
  readonly code = ErrorCode.StopInvariant;
  readonly hint = 'Nothing of this phase was kept. Inspect the named row in the target, fix the plan or the target, and run again.';
  readonly address: string | undefined;
  readonly status: string | undefined;

  constructor(phase: string, detail: { address?: string; status?: string; reason: string }) {
    super(
      `stop invariant failed in ${phase}: ${detail.reason}` +
        (detail.address === undefined ? '' : ` (address ${detail.address}, status ${detail.status ?? 'none'})`),
      { phase },
    );
    this.address = detail.address;
    this.status = detail.status;
  }
}

/** A collaborator (connection provider, backup runner) was not injected; the defaults refuse rather than guess. */
export class CollaboratorNotConfigured extends CutterError {
  readonly code = ErrorCode.CollaboratorNotConfigured;
  readonly hint = 'Inject the collaborator when constructing the adapter; Cutter never reads credentials by itself.';

  constructor(collaborator: string, phase?: string) {
    super(`no ${collaborator} was configured; the default refuses`, { phase });
  }
}

/**
 * A recorded phase does not agree with what it stands for (a backup row and its checksum, the change set's rows, a
 * ledger entry, a verification, the lifecycle log): the record was written or altered by hand. The run stops here
 * rather than skip the phase or report work that did not happen.
 */
export class PhaseRecordForged extends CutterError {
  readonly code = ErrorCode.PhaseRecordForged;
  readonly hint = 'Nothing was skipped or written. Find who wrote the phase record (cutter.phase_records) and why; remove it as the schema owner to let the phase run, or cancel the run.';

  constructor(phase: string, runId: string, problem: string) {
    super(`the recorded ${phase} of run ${runId} does not agree with the database: ${problem}`, { phase });
  }
}
