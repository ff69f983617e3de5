import { IURowSchema, type IURow } from '../domain/iu.js';
import { CutterError, RowConstraintViolated, RowDataInvalid, RowDuplicate, type RefusedRow } from '../errors/index.js';
import { StopInvariantFailed } from '../errors/index.js';
import { sqlStateOf } from './errors.js';

/** The SQLSTATE of migration 10's refusal to enact a change set that was not verified. */
const LIFECYCLE_REFUSED = 'CR003';
import { fieldOfLimitConstraint } from './sql/row-limits.js';

/**
 * A database error about a row, inside a phase, becomes an error with a stable code that names the row: a run's error
 * record (journal, `status`, `--json`) then says `E_ROW_DUPLICATE … row handbook/x`, never a bare SQLSTATE such as
 * `23505`. Only the classes that are about a row's data are mapped: 23 (integrity constraints) and 22 (data
 * exceptions). Anything else (a cancel, a timeout, a privilege) keeps its own handling.
 */

/** The fields of a PostgreSQL error (pg's DatabaseError, PGlite's) that locate the row; any may be absent. */
interface DatabaseErrorFields {
  readonly message?: unknown;
  readonly detail?: unknown;
  readonly constraint?: unknown;
  readonly table?: unknown;
  readonly column?: unknown;
}

const PLAN_FIELDS = ['address', 'title', 'body', 'source'] as const;
type PlanField = (typeof PLAN_FIELDS)[number];

const stringOr = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The error in `error`'s cause chain that carries the SQLSTATE (the fields are on it). */
function databaseErrorIn(error: unknown): DatabaseErrorFields {
  for (let current: unknown = error, depth = 0; current !== null && typeof current === 'object' && depth < 10; depth++) {
    if (typeof (current as { code?: unknown }).code === 'string' && (current as { code: string }).code === sqlStateOf(current)) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return {};
}

/**
 * The address in a unique violation's detail: `Key (address, version)=(handbook/x, 2) already exists.` The values are
 * split from the right, so an address holding ", " (only an unvalidated one could) is still read whole.
 */
export function addressInKeyDetail(detail: string | undefined): string | undefined {
  const match = detail === undefined ? null : /^Key \((.+?)\)=\((.*)\) already exists\.?$/s.exec(detail);
  if (match === null) return undefined;
  const columns = (match[1] ?? '').split(', ');
  const at = columns.indexOf('address');
  if (at === -1) return undefined;
  const values = (match[2] ?? '').split(', ');
  if (values.length < columns.length) return undefined;
  // Every column but the address holds a value without ", " (a version, an id): any extra pieces are the address's.
  const extra = values.length - columns.length;
  return values.slice(at, at + 1 + extra).join(', ');
}

/** The field a constraint guards: one of ours (`<table>_<field>_limit`), or PostgreSQL's default names (`<table>_<field>_check`). */
function fieldOfConstraint(constraint: string | undefined, column: string | undefined): PlanField | undefined {
  if (column !== undefined && (PLAN_FIELDS as readonly string[]).includes(column)) return column as PlanField;
  const limited = fieldOfLimitConstraint(constraint);
  if (limited !== undefined) return limited;
  const match = constraint === undefined ? null : /_(address|title|body|source)_check$/.exec(constraint);
  return (match?.[1] as PlanField | undefined) ?? undefined;
}

/** The first row whose `field` planning's own schema refuses: the row the database refused, found without parsing it. */
function firstRowBreaking(rows: readonly IURow[], field: PlanField): IURow | undefined {
  const schema = IURowSchema.shape[field];
  return rows.find((row) => row[field] !== undefined && !schema.safeParse(row[field]).success);
}

/** The first row and field holding what PostgreSQL text cannot: a NUL, or a lone surrogate. */
function firstUnstorable(rows: readonly IURow[]): { row: IURow; field: PlanField } | undefined {
  for (const row of rows) {
    for (const field of PLAN_FIELDS) {
      const value = row[field];
      if (typeof value === 'string' && (value.includes('\u0000') || !value.isWellFormed())) return { row, field };
    }
  }
  return undefined;
}

/** The first address that two of `rows` share. */
function firstDuplicate(rows: readonly IURow[]): string | undefined {
  const seen = new Set<string>();
  for (const row of rows) {
    if (seen.has(row.address)) return row.address;
    seen.add(row.address);
  }
  return undefined;
}

/**
 * Maps a database error raised in `phase` to an error naming the row, using the phase's `rows` (when it writes plan
 * rows) to find the one at fault where the database's error does not say. Returns `error` itself when it is already a
 * Cutter error or not about a row's data.
 */
export function mapRowError(phase: string, error: unknown, rows: readonly IURow[] = []): unknown {
  if (error instanceof CutterError) return error;
  const sqlState = sqlStateOf(error);
  // A lifecycle move the database refuses (migration 10: enacting a change set with no passing verification): a stop
  // of the phase, with the database's words, not a row's fault.
  if (sqlState === LIFECYCLE_REFUSED) return new StopInvariantFailed(phase, { reason: `the database refused it: ${(error as Error).message}` });
  if (sqlState === undefined || !(sqlState.startsWith('22') || sqlState.startsWith('23'))) return error;
  const fields = databaseErrorIn(error);
  const base: RefusedRow = {
    sqlState,
    reason: stringOr(fields.message) ?? (error instanceof Error ? error.message : String(error)),
    constraint: stringOr(fields.constraint),
    table: stringOr(fields.table),
  };
  if (sqlState === '23505') {
    const address = addressInKeyDetail(stringOr(fields.detail)) ?? firstDuplicate(rows);
    return new RowDuplicate(phase, { ...base, address, field: address === undefined ? undefined : 'address' }, error);
  }
  if (sqlState.startsWith('23')) {
    const field = fieldOfConstraint(base.constraint, stringOr(fields.column));
    const row = field === undefined ? undefined : firstRowBreaking(rows, field);
    return new RowConstraintViolated(phase, { ...base, field, address: row?.address }, error);
  }
  const found = firstUnstorable(rows);
  return new RowDataInvalid(phase, { ...base, field: found?.field ?? stringOr(fields.column), address: found?.row.address }, error);
}
