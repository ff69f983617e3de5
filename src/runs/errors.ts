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
