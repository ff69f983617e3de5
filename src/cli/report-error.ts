import { CutterError, ErrorCode } from '../errors/index.js';
import { boundHitOf, TargetQueryTimeout } from '../postgres/statement-bounds.js';
import { TargetUnreachable, unreachableReasonOf } from '../postgres/target-unreachable.js';
import { ExitCode, exitCodeForError } from './exit-codes.js';
import type { Terminal } from './terminal.js';

/** The hint of an error nothing better explains: a bug, or an environment failure Cutter has no code for. */
export const UNEXPECTED_HINT = 'Cutter has no named error for this: rerun with --log-level debug to see where it arose, and report it (with the message) if it is not your environment.';

/**
 * Hints written for a library host that mean nothing on the command line (they name an API or docs/embedding.md):
 * the CLI says what its operator can do instead.
 */
const CLI_HINTS: Readonly<Partial<Record<string, string>>> = {
  [ErrorCode.InvalidEvent]: 'The run is not where this command applies: `cutter status <run>` shows where it is and the commands it accepts (an ended run accepts none).',
  [ErrorCode.LiveAdapterRequired]: 'The CLI gives a LIVE run its PostgreSQL adapter itself: check the target (--database-url / --data-dir) and run `cutter init` on it.',
  [ErrorCode.ExecutorModeMismatch]: 'Start the run again with the mode it needs (--mode dryrun or --mode live).',
  [ErrorCode.RowConstraint]: 'Nothing of the phase was kept. The row breaks a limit the schema holds (title at most 500 characters, body at most 1 MiB, no NUL; docs/cli.md, "Sources"): fix the named row and field, and plan again.',
  [ErrorCode.CollaboratorNotConfigured]: 'Check the target (--database-url / --data-dir) and the backup settings in the configuration (`cutter config check`).',
};

/** The hint the CLI prints for an error code: the error's own, unless it speaks to a library host. */
export function cliHintFor(error: CutterError): string {
  return CLI_HINTS[error.code] ?? error.hint;
}

/**
 * A Cutter error for anything thrown: named when it is a failure to connect or a statement past its bound (one not
 * already named where the target is known), else null (unexpected).
 */
export function namedError(error: unknown): CutterError | null {
  if (error instanceof CutterError) return error;
  const hit = boundHitOf(error);
  if (hit !== undefined) return new TargetQueryTimeout('the target', hit, undefined, error);
  const reason = unreachableReasonOf(error);
  return reason === undefined ? null : new TargetUnreachable('the target', reason, error);
}

/**
 * Prints an error as `error <code>: <message>`, the plan issues it names, and a `hint:` (every error has one,
 * `E_UNEXPECTED` included), and returns the exit code docs/errors.md gives it.
 */
export function reportError(error: unknown, terminal: Terminal): ExitCode {
  const named = namedError(error);
  if (named === null) {
    terminal.error(`${terminal.red('error')} ${ErrorCode.Unexpected}: ${error instanceof Error ? error.message : String(error)}`);
    terminal.error(`${terminal.dim('hint:')} ${UNEXPECTED_HINT}`);
    return ExitCode.Unexpected;
  }
  terminal.error(`${terminal.red('error')} ${named.code}: ${named.message}`);
  const issues = (named as { issues?: readonly { row: number | undefined; field: string; message: string }[] }).issues;
  for (const issue of issues?.slice(0, 20) ?? []) terminal.error(`  ${issue.row === undefined ? 'plan' : `row ${issue.row}`} · ${issue.field}: ${issue.message}`);
  if (issues !== undefined && issues.length > 20) terminal.error(`  … and ${issues.length - 20} more`);
  terminal.error(`${terminal.dim('hint:')} ${cliHintFor(named)}`);
  return exitCodeForError(named.code);
}

/**
 * The error as `--json` prints it on stdout (besides the lines on stderr), so a script that asked for JSON gets it on
 * failure too: `{ error: { name, code, message, hint }, exit }`, the error record's fields plus the CLI's hint.
 */
export function errorJson(error: unknown, exit: ExitCode): string {
  const named = namedError(error);
  const record = named === null
    ? { name: error instanceof Error ? error.name : 'Error', code: ErrorCode.Unexpected, message: error instanceof Error ? error.message : String(error), hint: UNEXPECTED_HINT }
    : { name: named.name, code: named.code, message: named.message, hint: cliHintFor(named) };
  return JSON.stringify({ error: record, exit }, null, 2);
}
