import { CutterError, ErrorCode } from '../errors/index.js';

/** No run with that id is stored. */
export class RunNotFound extends CutterError {
  readonly code = ErrorCode.RunNotFound;
  readonly hint = 'List the runs with `cutter list`; check the target (--database-url / --data-dir).';

  constructor(runId: string) {
    super(`no run ${runId} in this target`);
  }
}

/** The stored snapshot was written by a machine of another shape; restoring it could hang, so it is refused. */
export class SnapshotVersionMismatch extends CutterError {
  readonly code = ErrorCode.SnapshotVersion;
  readonly hint = 'Resume the run with the Cutter version that started it, or escalate and compensate it by hand.';

  constructor(runId: string, stored: number, current: number) {
    super(`run ${runId} was stored with snapshot version ${stored}; this Cutter reads version ${current}`);
  }
}

/**
 * A stored run without a plan to restore it with: a LIVE run's plan is pinned in the target at planning, and this run
 * stopped before planning pinned it. Nothing was approved or written, so starting it again loses nothing.
 */
export class RunNotPlanned extends CutterError {
  readonly code = ErrorCode.RunNotPlanned;
  readonly hint = 'Start the run again with its plan (cutter run); this one stopped before its plan was pinned, so nothing was approved or written.';

  constructor(runId: string) {
    super(`run ${runId} has no stored plan: it stopped before planning pinned its plan in the target`);
  }
}
