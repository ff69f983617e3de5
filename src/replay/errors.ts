import { CutterError, ErrorCode } from '../errors/index.js';

/**
 * Replaying a run's journal did not arrive where the stored run is (another state, or another context), or the
 * journal cannot be replayed at all. The journal and the snapshot disagree about what happened: neither can be
 * trusted alone until someone has looked.
 */
export class ReplayDiverged extends CutterError {
  readonly code = ErrorCode.ReplayDiverged;
  readonly hint = 'Compare `cutter status <run> --journal --json` with `cutter replay <run> --json`; a journal written by another Cutter version may need that version to replay.';

  constructor(detail: string) {
    super(`replay diverged: ${detail}`);
  }
}
