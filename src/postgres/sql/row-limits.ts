import { ADDRESS_PATTERN, PlanLimits } from '../../domain/limits.js';

/**
 * The plan-row limits of `src/domain/limits.ts` as SQL, so the schema refuses exactly the rows planning refuses, from
 * whoever writes them (a host's own adapter, a direct INSERT as cutter_exec). Generated from the same constants, so
 * the two cannot drift apart; a test checks them row against row.
 *
 * NUL has no constraint: PostgreSQL text cannot hold it at all, and refuses it itself (SQLSTATE 22021), as it refuses
 * the lone surrogates JavaScript strings can carry.
 */

/** A plan row's field that the schema limits. */
export type LimitedField = 'address' | 'title' | 'body' | 'source';

/**
 * Length in UTF-16 code units, as JavaScript's `length` (and so planning) counts characters: PostgreSQL's
 * `char_length` counts code points, so each one outside the BMP (a surrogate pair in JavaScript) is counted once more.
 */
const utf16Length = (column: string): string =>
  `(char_length(${column}) + char_length(regexp_replace(${column}, '[^\\U00010000-\\U0010FFFF]', '', 'g')))`;

/** The address pattern in PostgreSQL's regular-expression dialect (the same pattern; `/` needs no escape there). */
export const ADDRESS_PATTERN_SQL: string = ADDRESS_PATTERN.source.replaceAll('\\/', '/');

/** The CHECK expression of limited field `field` over `value` (its column, or VALUE in a domain's constraint). */
export function fieldCheckOf(field: LimitedField, value: string = field): string {
  switch (field) {
    case 'address':
      return `char_length(${value}) <= ${PlanLimits.maxAddressChars} AND ${value} ~ '${ADDRESS_PATTERN_SQL}'`;
    case 'title':
      return `${utf16Length(value)} <= ${PlanLimits.maxTitleChars}`;
    case 'body':
      // octet_length of text is its size in the database's encoding: UTF-8, as planning counts a body.
      return `octet_length(${value}) <= ${PlanLimits.maxBodyBytes}`;
    case 'source':
      // A NULL `source` is a row without one, and passes.
      return `${value} IS NULL OR ${utf16Length(value)} <= ${PlanLimits.maxSourceChars}`;
  }
}

/**
 * {@link fieldCheckOf}, accepting exactly the same values, with a cheap test first that decides nearly every value: a
 * text of at most N octets is at most N UTF-16 code units (a code point takes at least as many UTF-8 octets as UTF-16
 * units), so only a longer title or source is counted (the count is a regexp_replace: about 6 µs a value, issue 17).
 */
export function quickFieldCheckOf(field: LimitedField, value: string = field): string {
  if (field === 'title') return `octet_length(${value}) <= ${PlanLimits.maxTitleChars} OR (${fieldCheckOf(field, value)})`;
  if (field === 'source') return `${value} IS NULL OR octet_length(${value}) <= ${PlanLimits.maxSourceChars} OR (${fieldCheckOf(field, value)})`;
  return fieldCheckOf(field, value);
}

/** The CHECK expression of each limited field, over its column. */
export const FIELD_CHECKS: Readonly<Record<LimitedField, string>> = {
  address: fieldCheckOf('address'),
  title: fieldCheckOf('title'),
  body: fieldCheckOf('body'),
  source: fieldCheckOf('source'),
};

/** Where plan rows are stored, and which of their fields each holds. */
export const LIMITED_TABLES: Readonly<Record<string, readonly LimitedField[]>> = {
  iu_versions: ['address', 'title', 'body'],
  run_plan_rows: ['address', 'title', 'body', 'source'],
  pinned_plan_rows: ['address', 'title', 'body', 'source'],
};

/** The name of the constraint on `field` of `table`: `<table>_<field>_limit`, which errors quote. */
export const limitConstraintName = (table: string, field: LimitedField): string => `${table}_${field}_limit`;

/** The field a limit constraint guards, from its name; undefined for any other constraint. */
export function fieldOfLimitConstraint(name: string | undefined): LimitedField | undefined {
  const match = name === undefined ? null : /_(address|title|body|source)_limit$/.exec(name);
  return (match?.[1] as LimitedField | undefined) ?? undefined;
}

/**
 * Adds one limit constraint if it is missing, then validates it against the rows already there. Rows written before
 * the limits were enforced (issue 15: a library call could write them) are governed history and are not rewritten: if
 * any breaks the limit, the constraint stays NOT VALID, so every new or updated row is still checked, and a warning
 * names the table.
 */
function addLimitSql(table: string, field: LimitedField): string {
  const name = limitConstraintName(table, field);
  return /* sql */ `
DO $limit$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'cutter.${table}'::regclass AND conname = '${name}') THEN
    ALTER TABLE cutter.${table} ADD CONSTRAINT ${name} CHECK (${FIELD_CHECKS[field]}) NOT VALID;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'cutter.${table}'::regclass AND conname = '${name}' AND NOT convalidated) THEN
    BEGIN
      ALTER TABLE cutter.${table} VALIDATE CONSTRAINT ${name};
    EXCEPTION WHEN check_violation THEN
      RAISE WARNING 'cutter.${table} holds rows written before % was enforced; they are kept as they are, and every new row is checked', '${name}';
    END;
  END IF;
END $limit$;`;
}

/**
 * Replaces the limit constraint on `field` of `table` by {@link quickFieldCheckOf}'s expression, which accepts the same
 * values: dropped, added NOT VALID, then validated as {@link addLimitSql} does (rows breaking it are kept, with a warning).
 */
export function quickLimitSql(table: string, field: LimitedField): string {
  const name = limitConstraintName(table, field);
  return /* sql */ `
ALTER TABLE cutter.${table} DROP CONSTRAINT IF EXISTS ${name};
ALTER TABLE cutter.${table} ADD CONSTRAINT ${name} CHECK (${quickFieldCheckOf(field)}) NOT VALID;
DO $limit$
BEGIN
  ALTER TABLE cutter.${table} VALIDATE CONSTRAINT ${name};
EXCEPTION WHEN check_violation THEN
  RAISE WARNING 'cutter.${table} holds rows written before % was enforced; they are kept as they are, and every new row is checked', '${name}';
END $limit$;`;
}

/** Every limit constraint, on every table that stores plan rows. */
export const ROW_LIMITS_SQL: string = Object.entries(LIMITED_TABLES)
  .flatMap(([table, fields]) => fields.map((field) => addLimitSql(table, field)))
  .join('\n');
