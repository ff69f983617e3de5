import { CutterError } from './cutter-error.js';
import { ErrorCode } from './codes.js';

/**
 * `cutter keys generate` would write a key file that already exists. It never overwrites a key unasked: the old
 * private key may be the only one matching a public key in a configuration. Nothing was written.
 */
export class KeyFileExists extends CutterError {
  readonly code = ErrorCode.KeyExists;
  readonly hint = 'Keep the existing pair, or choose another name or --out folder, or pass --force to replace the pair (then put the new public key in the configuration).';
  readonly path: string;

  constructor(path: string, approver: string) {
    super(`a key of ${approver} already exists: ${path}`);
    this.path = path;
  }
}
