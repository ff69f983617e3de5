import { CutterError, ErrorCode } from '../errors/index.js';

/** No run with that id is stored. */
export class RunNotFound extends CutterError {
  readonly code = ErrorCode.RunNotFound;
  readonly hint = 'List the runs with `cutter list`; check the target (--database-url / --data-dir).';

  constructor(runId: string) {
    super(`no run ${runId} in this target`);
  }
}

/**
 * The stored run was written by a newer release of the machine than this build knows (or is now, after a newer
 * process migrated it while this one held it). This build neither advances nor rewrites it: an older machine could
 * only misread it.
 */
export class SnapshotVersionMismatch extends CutterError {
  readonly code = ErrorCode.SnapshotVersion;
  readonly hint = 'Act on this run with the Cutter release that stored it (or a later one); see "Upgrading Cutter with runs in flight" in docs/operations.md.';

  constructor(runId: string, stored: number, current: number, detail = 'this build reads versions up to') {
    super(`run ${runId} is stored with snapshot version ${stored}, written by a newer Cutter; ${detail} ${current}, so it does not advance or rewrite it`);
  }
}

/** A run that ended under an earlier release in a state this build no longer has: there is nothing to continue. */
export class RunEndedUnderEarlierRelease extends CutterError {
  readonly code = ErrorCode.SnapshotVersion;
  readonly hint = 'Nothing can be done to an ended run; its journal and the ledger keep what happened. Read it with the release that stored it.';

  constructor(runId: string, state: string, stored: number, current: number, reason: string) {
    super(`run ${runId} ended (${state}) under snapshot version ${stored}, and this build (version ${current}) cannot read it: ${reason}`);
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

/** Who holds a run: the process acting on it, and until when its hold lasts without renewal. */
export interface RunHolder {
  readonly pid: number;
  readonly host: string;
  readonly command: string;
  readonly since: string;
  readonly until: string;
}

/**
 * Another process is acting on the run (one writer per run): this one changes nothing. Also raised when this process
 * lost its hold (it lapsed while the process was stopped, and another took it): its writes are refused from then on.
 */
export class RunBusy extends CutterError {
  readonly code = ErrorCode.RunBusy;
  readonly hint: string;
  readonly holder: RunHolder | null;

  constructor(runId: string, holder: RunHolder | null, detail?: string) {
    super(detail ?? (holder === null
      ? `run ${runId} is not held by this process`
      : `run ${runId} is held by pid ${holder.pid} on ${holder.host} (${holder.command}, since ${holder.since})`));
    this.holder = holder;
    this.hint = holder === null
      ? 'Another process took the run over; act on it again from a new command.'
      : `Wait for that command to finish (or give --wait), then act again. If that process is gone, its hold lapses at ${holder.until}.`;
  }
}

/**
 * The plan a stored run would be restored with (read back from where it is pinned) no longer hashes to the plan hash
 * the run's change set was pinned with and its approvals were given for: it was changed after planning, around the
 * pin's write-once guard. The run is not restored, so nothing of the changed plan can be cut.
 */
export class ApprovedPlanChanged extends CutterError {
  readonly code = ErrorCode.PlanPinMismatch;
  readonly hint = 'Someone changed the pinned plan in the target (its write-once trigger was bypassed). Investigate the target; cancel this run (its approvals bind the old plan) and plan again.';

  constructor(runId: string, approved: string, stored: string) {
    super(`run ${runId}: its pinned plan now hashes to ${stored}, not to ${approved}, the plan hash its change set was pinned with and approved for; nothing of it is cut`);
  }
}
