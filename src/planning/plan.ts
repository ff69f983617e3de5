import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { validateCutplan, type Cutplan } from '../domain/cutplan.js';
import { FileLimits } from '../domain/limits.js';
import { InvalidInput, PlanInvalid } from '../errors/index.js';
import { readInputText, reasonOf } from '../files/read-input-file.js';
import { cutMarkdown, type MarkdownDocument } from './markdown-cutter.js';
import { sourceRows, type SourceFile, type SourceKind } from './source-rows.js';

/**
 * Cuts every document and validates all their rows as one plan, so an address produced by two documents is reported
 * as a duplicate (row index counted across the documents, in the order given).
 *
 * @throws {InvalidInput} when a `documentId` is not a valid address.
 * @throws {PlanInvalid} when the combined rows fail validation, or no document yields a row.
 */
export function planFromMarkdown(docs: readonly MarkdownDocument[]): Cutplan {
  if (!isList(docs)) throw new InvalidInput('docs', `must be an array of { documentId, markdown }, not ${describeValue(docs)}`);
  return validateCutplan(docs.flatMap((doc) => cutMarkdown(doc)));
}

/**
 * Validates rows a caller already has (for example parsed from JSON) into a cutplan.
 *
 * @throws {PlanInvalid} naming each bad row and field.
 */
export function planFromRows(rows: unknown): Cutplan {
  return validateCutplan(rows);
}

const KIND_BY_EXTENSION: Readonly<Record<string, SourceKind>> = {
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.json': 'json',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
};

const KNOWN_EXTENSIONS = Object.keys(KIND_BY_EXTENSION).join(', ');

/**
 * Reads plan sources from disk and validates all their rows together as one plan.
 *
 * - `.md` / `.markdown` files are cut with {@link cutMarkdown}; the document id is the file's base name without its
 *   extension, slugged (`Access Policy.md` → `access-policy`).
 * - `.json` files are read with {@link parseRowsJson}, `.ndjson` / `.jsonl` a line at a time as
 *   {@link parseRowsNdjson} reads them; Markdown too is read and cut a line at a time (see {@link sourceRows}).
 * - A directory stands for the files in it with those extensions (not its sub-directories), in code-unit order of
 *   their names; other files in it are ignored.
 *
 * Rows are numbered across all sources in the order read, and each row-level issue's message is prefixed with the
 * file (and heading line, for Markdown) it came from, since a combined row index alone does not say which file to fix.
 *
 * @throws {InvalidInput} (field `paths`) when a path is missing or unreadable, is not a regular file (a FIFO or a
 *   device is refused before it is opened), is larger than {@link FileLimits.maxSourceFileBytes} (`.json`) or
 *   {@link FileLimits.maxStreamedSourceFileBytes}, has a line longer than {@link FileLimits.maxSourceLineChars}, a named file has an
 *   unknown extension, a directory holds no plan sources, a file is not UTF-8, a Markdown file name has nothing to
 *   slug, or a Markdown file starts with YAML front matter or holds a NUL character.
 * @throws {PlanInvalid} when a file is not valid JSON / NDJSON, repeats a key in one object, yields no row, or the
 *   combined rows fail validation.
 */
export async function loadPlanSources(paths: readonly string[]): Promise<Cutplan> {
  const rows: unknown[] = [];
  const origins: string[] = [];
  for (const file of await expandSources(paths)) {
    // One push per row: spreading a file's rows into push() passed them as call arguments, which overflowed the stack
    // past about 120k rows (E_UNEXPECTED "Maximum call stack size exceeded" at a documented 1M-row limit).
    for await (const { raw, origin } of sourceRows(file, rows.length)) {
      rows.push(raw);
      origins.push(origin);
    }
  }
  try {
    return validateCutplan(rows);
  } catch (error) {
    if (!(error instanceof PlanInvalid)) throw error;
    throw new PlanInvalid(
      error.issues.map((issue) => {
        const origin = issue.row === undefined ? undefined : origins[issue.row];
        return origin === undefined ? issue : { ...issue, message: `${origin}: ${issue.message}` };
      }),
    );
  }
}

/**
 * The source files `paths` stand for, in the order they are read (see {@link loadPlanSources}).
 *
 * @throws {InvalidInput} (field `paths`) as loadPlanSources does for paths.
 */
export async function expandSources(paths: readonly string[]): Promise<SourceFile[]> {
  if (!isList(paths) || paths.length === 0 || !paths.every((p) => typeof p === 'string' && p !== '')) {
    throw new InvalidInput('paths', `must be a non-empty array of file or folder paths, not ${describeValue(paths)}`);
  }
  const files: SourceFile[] = [];
  for (const path of paths) for (const file of await expand(path)) files.push(file);
  return files;
}

/** Array.isArray, without widening a readonly array to any[]. */
const isList = (value: unknown): value is readonly unknown[] => Array.isArray(value);

/** `null`, `an array`, `a number`: what a caller passed instead, for the error. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : 'an array holding something else';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function kindOf(path: string): SourceKind | undefined {
  return KIND_BY_EXTENSION[extname(path).toLowerCase()];
}

async function expand(path: string): Promise<SourceFile[]> {
  const stats = await fsCall(path, () => stat(path));
  if (!stats.isDirectory()) {
    const kind = kindOf(path);
    if (kind === undefined) throw new InvalidInput('paths', `${path}: unknown file type; expected ${KNOWN_EXTENSIONS}`);
    return [{ path, kind }];
  }
  // Plain code-unit order, not localeCompare, so the row order (and row numbers in errors) is the same on every machine.
  const names = (await fsCall(path, () => readdir(path))).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const files: SourceFile[] = [];
  for (const name of names) {
    const kind = kindOf(name);
    const file = join(path, name);
    // stat (not the dirent) so a symlink to a file counts as the file it points at.
    if (kind !== undefined && (await fsCall(file, () => stat(file))).isFile()) files.push({ path: file, kind });
  }
  if (files.length === 0) throw new InvalidInput('paths', `${path}: directory holds no plan sources (${KNOWN_EXTENSIONS})`);
  return files;
}

/**
 * A source's text: a regular file (not a FIFO or device, which would block or never end) of at most
 * {@link FileLimits.maxSourceFileBytes}, decoded strictly as UTF-8 (governed content silently altered by replacement
 * characters would be worse than an error).
 */
export function readSourceText(path: string): Promise<string> {
  return readInputText(path, { field: 'paths', maxBytes: FileLimits.maxSourceFileBytes, limitName: 'FileLimits.maxSourceFileBytes' });
}

/** Turns a file-system failure on a caller's path into an InvalidInput naming that path. */
async function fsCall<T>(path: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === undefined) throw error;
    throw new InvalidInput('paths', `${path}: ${reasonOf(error)}`);
  }
}
