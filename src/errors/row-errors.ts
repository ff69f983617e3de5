import { CutterError } from './cutter-error.js';
import { ErrorCode } from './codes.js';

/** Where in the target a refused row was found: as much of it as the database's error (or the phase's rows) tells. */
export interface RefusedRow {
  /** The row's address, when it could be found. */
  readonly address?: string | undefined;
  /** The row's field at fault (`address`, `title`, `body`, `source`), when it could be found. */
  readonly field?: string | undefined;
  /** The constraint that refused it (`iu_versions_body_limit`, `iu_versions_address_version_key`, ...). */
  readonly constraint?: string | undefined;
  /** The table the row was written to (`iu_versions`, `pinned_plan_rows`, ...). */
  readonly table?: string | undefined;
  /** PostgreSQL's SQLSTATE, for the operator's log; callers branch on `code`, not on this. */
  readonly sqlState: string;
  /** PostgreSQL's message. */
  readonly reason: string;
}

/** "row handbook/x field body (constraint iu_versions_body_limit on iu_versions)": what a message names. */
function named(row: RefusedRow): string {
  const parts = [
    row.address === undefined ? 'a row' : `row ${row.address}`,
    row.field === undefined ? '' : ` field ${row.field}`,
    row.constraint === undefined ? '' : ` (constraint ${row.constraint}${row.table === undefined ? '' : ` on ${row.table}`})`,
  ];
  return parts.join('');
}

/** The base of the errors of a row the target refused inside a phase: the phase's transaction rolled back whole. */
abstract class TargetRefusedRow extends CutterError {
  readonly address: string | undefined;
  readonly field: string | undefined;
  readonly constraint: string | undefined;
  readonly table: string | undefined;
  readonly sqlState: string;

  protected constructor(phase: string, what: string, row: RefusedRow, cause: unknown) {
    super(`${phase}: the target refused ${named(row)}: ${what} (${row.reason}); the phase rolled back`, { phase, cause });
    this.address = row.address;
    this.field = row.field;
    this.constraint = row.constraint;
    this.table = row.table;
    this.sqlState = row.sqlState;
  }
}

/** A row would duplicate one the target already holds (a unique constraint, SQLSTATE 23505), e.g. the same address twice. */
export class RowDuplicate extends TargetRefusedRow {
  readonly code = ErrorCode.RowDuplicate;
  readonly hint = 'Nothing of the phase was kept. Each address may appear once in a plan, at a version the target does not hold yet: plan again against the target.';

  constructor(phase: string, row: RefusedRow, cause?: unknown) {
    super(phase, 'it duplicates a row already there', row, cause);
  }
}

/** A row broke a constraint of the schema (CHECK, NOT NULL, ...: SQLSTATE class 23), such as the plan-row limits. */
export class RowConstraintViolated extends TargetRefusedRow {
  readonly code = ErrorCode.RowConstraint;
  readonly hint = 'Nothing of the phase was kept. The row breaks a limit the schema holds (docs/embedding.md, "What the library validates"): fix the named row and field, and plan again.';

  constructor(phase: string, row: RefusedRow, cause?: unknown) {
    super(phase, 'it breaks a constraint of the schema', row, cause);
  }
}

/** A row holds a value the database cannot store (SQLSTATE class 22: a NUL byte, an invalid character, ...). */
export class RowDataInvalid extends TargetRefusedRow {
  readonly code = ErrorCode.RowDataInvalid;
  readonly hint = 'Nothing of the phase was kept. PostgreSQL text cannot hold NUL bytes or invalid UTF-8: remove them from the named row and field, and plan again.';

  constructor(phase: string, row: RefusedRow, cause?: unknown) {
    super(phase, 'it holds a value the database cannot store', row, cause);
  }
}
