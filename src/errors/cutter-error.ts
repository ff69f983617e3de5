/**
 * The base of every error Cutter raises. Callers branch on `code`, never on message text.
 *
 * Errors cross process boundaries (journals, snapshots, the CLI's `--json`), where `Error` objects serialise to `{}`;
 * {@link toErrorRecord} gives the stable plain-JSON form.
 */
export abstract class CutterError extends Error {
  /** Stable, documented identifier (see docs/errors.md). */
  abstract readonly code: string;
  /** A short hint for the operator: what to do about it. */
  abstract readonly hint: string;
  /** The run phase in which the error arose, when there is one. */
  readonly phase: string | undefined;

  protected constructor(message: string, options: { phase?: string | undefined; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.phase = options.phase;
  }
}

export { toErrorRecord, type ErrorRecord } from '../../machines/error-record.js';

/** True when `error` is a Cutter error with the given code. */
export function hasCode(error: unknown, code: string): boolean {
  return error instanceof CutterError && error.code === code;
}
