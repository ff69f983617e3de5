import { InvalidInput, PlanInvalid, type PlanIssue } from '../errors/index.js';
import { findDuplicateKey, type DuplicateKey } from './duplicate-keys.js';

const SHAPE_MESSAGE = 'must be a JSON array of rows or an object { "rows": [...] }';

/**
 * Parses one JSON document strictly: a leading BOM is dropped, and a key repeated in one object is refused (JSON.parse
 * would keep only its last value). For a plan file or a rows file; the caller checks the shape.
 *
 * @throws {PlanInvalid} (field `rows`, or the repeated key) when the text is not JSON or repeats a key.
 * @throws {InvalidInput} when `text` is not a string.
 */
export function parseJsonDocument(text: string): unknown {
  const source = withoutBom(assertText(text));
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    throw new PlanInvalid([{ row: undefined, field: 'rows', message: `not valid JSON: ${describeJsonError(error, source)}` }]);
  }
  const duplicate = findDuplicateKey(source);
  if (duplicate !== null) throw new PlanInvalid([duplicateIssue(duplicate, duplicate.line)]);
  return value;
}

/**
 * Parses rows written as one JSON document: either an array of rows or an object whose only key is `rows`. Rows are
 * returned unvalidated; pass them to `validateCutplan`. Other keys in the object form are rejected rather than
 * ignored, so a misspelt key cannot silently drop data.
 *
 * @throws {PlanInvalid} when the text is not JSON (field `rows`, with the parser's message and, when the parser
 *   reports a position, its line and column), repeats a key in one object (JSON.parse would keep only the last value),
 *   or is not one of the two shapes.
 * @throws {InvalidInput} when `text` is not a string.
 */
export function parseRowsJson(text: string): unknown[] {
  const value = parseJsonDocument(text);
  if (Array.isArray(value)) return value;
  if (typeof value !== 'object' || value === null) {
    throw new PlanInvalid([{ row: undefined, field: 'rows', message: SHAPE_MESSAGE }]);
  }
  const rows: unknown = (value as { rows?: unknown }).rows;
  const issues: PlanIssue[] = Array.isArray(rows) ? [] : [{ row: undefined, field: 'rows', message: SHAPE_MESSAGE }];
  for (const key of Object.keys(value)) {
    if (key !== 'rows') issues.push({ row: undefined, field: key, message: 'is not allowed; the object form holds only "rows"' });
  }
  if (issues.length > 0) throw new PlanInvalid(issues);
  return rows as unknown[];
}

/**
 * Parses newline-delimited JSON: one row per non-empty line (blank lines are skipped). Rows are returned unvalidated;
 * pass them to `validateCutplan`.
 *
 * Every bad line is reported, not just the first. An issue's `row` is the index the line would have had in the
 * returned array — the same numbering `validateCutplan` uses — and its message names the 1-based line number, which
 * differs from the row index when the file has blank lines.
 *
 * @throws {PlanInvalid} with field `row` for each line that is not valid JSON, and naming the key for each line that
 *   repeats a key in one object.
 * @throws {InvalidInput} when `text` is not a string.
 */
export function parseRowsNdjson(text: string): unknown[] {
  const rows: unknown[] = [];
  const issues: PlanIssue[] = [];
  withoutBom(assertText(text))
    .split(/\r?\n/)
    .forEach((line, lineIndex) => {
      const parsed = parseNdjsonLine(line, lineIndex + 1, rows.length);
      if (parsed === null) return;
      rows.push(parsed.value);
      for (const issue of parsed.issues) issues.push(issue);
    });
  if (issues.length > 0) throw new PlanInvalid(issues);
  return rows;
}

/**
 * One NDJSON line (without its line break), the `lineNumber`th (1-based) of its file, read as row index `row`: null
 * for a blank line (no row), else the row (undefined when the line is not JSON, so later rows keep their numbers) and
 * the line's issues, as {@link parseRowsNdjson} reports them. For a reader that takes a file a line at a time.
 */
export function parseNdjsonLine(line: string, lineNumber: number, row: number): { value: unknown; issues: PlanIssue[] } | null {
  if (line.trim().length === 0) return null;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { value: undefined, issues: [{ row, field: 'row', message: `line ${lineNumber}: not valid JSON: ${describeJsonError(error, line)}` }] };
  }
  const duplicate = findDuplicateKey(line);
  if (duplicate === null) return { value, issues: [] };
  return { value, issues: [duplicateIssue({ ...duplicate, path: `[${row}]${duplicate.path === '' ? '' : `.${duplicate.path}`}` }, lineNumber)] };
}

/** The issue for a repeated key: its row when it is inside one, and the field as a dotted path within the row. */
function duplicateIssue(duplicate: DuplicateKey, line: number): PlanIssue {
  const inRow = /^(?:rows)?\[(\d+)\]\.?/.exec(duplicate.path);
  const within = inRow === null ? duplicate.path : duplicate.path.slice(inRow[0].length);
  return {
    row: inRow === null ? undefined : Number(inRow[1]),
    field: within === '' ? duplicate.key : `${within}.${duplicate.key}`,
    message: `line ${line}: the key "${duplicate.key}" appears twice in one object; JSON keeps only the last, so remove or rename one`,
  };
}

/** The library's callers may not be TypeScript: `null` gets a named error, not a TypeError from `startsWith`. */
function assertText(text: unknown): string {
  if (typeof text !== 'string') throw new InvalidInput('text', `must be a string (the file's text), not ${text === null ? 'null' : typeof text}`);
  return text;
}

/** Editors on Windows often save a BOM, which `JSON.parse` rejects as an unexpected token. */
function withoutBom(text: string): string {
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

/** The parser's message, plus line and column when it reports a position (V8 does for some errors, not all). */
function describeJsonError(error: unknown, source: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const position = /at position (\d+)/.exec(message)?.[1];
  if (position === undefined || /\(line \d+ column \d+\)/.test(message)) return message;
  const before = source.slice(0, Number(position)).split('\n');
  return `${message} (line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1})`;
}
