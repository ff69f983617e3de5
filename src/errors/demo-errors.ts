import { CutterError } from './cutter-error.js';
import { ErrorCode } from './codes.js';

/**
 * `cutter demo` was pointed at a target other than the embedded database without `--allow-real-target`. The demo
 * writes LIVE with approvals it signs itself, so it is refused before it connects: nothing is read or written.
 */
export class DemoTargetRefused extends CutterError {
  readonly code = ErrorCode.DemoTargetRefused;
  readonly hint =
    'Run the demo on the embedded database: drop --database-url (and unset CUTTER_DATABASE_URL). Only if this database is a disposable one you mean the demo to write to LIVE, pass --allow-real-target.';
  /** The target as people see it, never with a password. */
  readonly target: string;

  constructor(target: string) {
    super(`cutter demo writes LIVE with self-signed demo approvals, so it runs only on the embedded database; refused: ${target}`);
    this.target = target;
  }
}
