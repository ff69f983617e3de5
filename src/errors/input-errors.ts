import { CutterError } from './cutter-error.js';
import { ErrorCode } from './codes.js';

/** One problem in a plan, located precisely enough for a person to fix it. */
export interface PlanIssue {
  /** Zero-based index of the row, or undefined for a plan-level problem. */
  readonly row: number | undefined;
  /** The field at fault, as a dotted path (`body`, `title`, `address`, `rows`). */
  readonly field: string;
  readonly message: string;
}

/** A plan failed validation. Nothing is written; every issue names its row and field. */
export class PlanInvalid extends CutterError {
  readonly code = ErrorCode.PlanInvalid;
  readonly hint = 'Fix the named rows and fields, then plan again.';
  readonly issues: readonly PlanIssue[];

  constructor(issues: readonly PlanIssue[]) {
    const first = issues[0];
    const where = first === undefined ? '' : `${first.row === undefined ? 'plan' : `row ${first.row}`} field ${first.field}: ${first.message}`;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super(`plan invalid: ${where}${more}`, { phase: 'planning' });
    this.issues = Object.freeze([...issues]);
  }
}

/** The plan's content no longer matches the hash it was pinned (and approved) with. */
export class PlanPinMismatch extends CutterError {
  readonly code = ErrorCode.PlanPinMismatch;
  readonly hint = 'The plan changed after it was pinned. Plan again and have the new plan hash approved.';
  readonly expected: string;
  readonly actual: string;

  /** `source`: where the pinned plan was read from (a plan file), when it was read from one. */
  constructor(expected: string, actual: string, source?: string) {
    super(`plan hash mismatch${source === undefined ? '' : ` in ${source}`}: pinned ${expected}, content hashes to ${actual}`, { phase: 'planning' });
    this.expected = expected;
    this.actual = actual;
  }
}

/** An event sent to a run is unknown or malformed; the run does not see it. */
export class InvalidEvent extends CutterError {
  readonly code = ErrorCode.InvalidEvent;
  readonly hint = 'Send one of the run events documented in docs/embedding.md, with every required field.';
  readonly field: string;

  constructor(field: string, message: string) {
    super(`invalid event: ${field}: ${message}`);
    this.field = field;
  }
}

/** Run creation input (or configuration) is malformed. */
export class InvalidInput extends CutterError {
  readonly code = ErrorCode.InvalidInput;
  readonly hint: string = 'Correct the named field.';
  readonly field: string;

  constructor(field: string, message: string) {
    super(`invalid input: ${field}: ${message}`);
    this.field = field;
  }
}

/**
 * A command was given without an option it needs (one commander cannot require, because another option can stand
 * in for it, as `--file` does for `approve`'s `--as`, `--key` and `--reason`). A usage error: exit 2, like any other.
 */
export class OptionMissing extends CutterError {
  readonly code = ErrorCode.OptionMissing;
  readonly hint: string;
  readonly field: string;

  constructor(field: string, why?: string) {
    super(`--${field} is required${why === undefined ? '' : `: ${why}`}`);
    this.field = field;
    this.hint = `Give --${field} (the command's --help lists what it needs).`;
  }
}

/**
 * The command line itself is wrong: an unknown command or option, a missing argument or option value, an excess
 * argument (commander's own checks). Exit 2, with the command's `--help` named so the operator can see what it takes.
 */
export class UsageError extends CutterError {
  readonly code = ErrorCode.Usage;
  readonly hint: string;
  /** The command as typed, `cutter ledger verify`: its `--help` lists its arguments and options. */
  readonly command: string;

  /** `takes`: what the command's help lists (`commands and options` for one with subcommands). */
  constructor(message: string, command: string, takes = 'arguments and options') {
    super(message);
    this.command = command;
    this.hint = `\`${command} --help\` lists its ${takes}.`;
  }
}

/** The target changed, at the plan's addresses, since the plan was pinned and approved: the cut is refused. */
export class PlanStale extends CutterError {
  readonly code = ErrorCode.PlanStale;
  readonly hint = 'Someone changed these addresses after the plan was pinned. Plan again and have the new plan approved.';
  readonly addresses: readonly string[];

  constructor(addresses: readonly string[]) {
    const named = addresses.length === 0 ? 'addresses changed in the target' : `changed since planning: ${addresses.slice(0, 10).join(', ')}${addresses.length > 10 ? ` and ${addresses.length - 10} more` : ''}`;
    super(`the plan is stale: ${named}`, { phase: 'cutLegA' });
    this.addresses = Object.freeze([...addresses]);
  }
}

/**
 * Planning found open drafts of other change sets at some of the plan's addresses: the plan could not be cut, so it
 * is refused now, before anyone approves it, naming each address and the change set whose draft is there.
 */
export class PlanConflict extends CutterError {
  readonly code = ErrorCode.PlanConflict;
  readonly hint = 'Another run has drafts at these addresses: let it finish (enact or compensate it), or leave the addresses out, then plan again.';
  readonly conflicts: readonly { readonly address: string; readonly changeSetId: string }[];

  constructor(conflicts: readonly { readonly address: string; readonly changeSetId: string }[]) {
    const named = conflicts.slice(0, 10).map((c) => `${c.address} (draft of ${c.changeSetId})`).join(', ');
    super(`the plan conflicts with open drafts of other change sets: ${named}${conflicts.length > 10 ? ` and ${conflicts.length - 10} more` : ''}`, { phase: 'planning' });
    this.conflicts = Object.freeze(conflicts.map((c) => ({ address: c.address, changeSetId: c.changeSetId })));
  }
}
