import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { validateCutplan, type Cutplan } from '../domain/cutplan.js';
import { FileLimits } from '../domain/limits.js';
import { InvalidInput, PlanInvalid } from '../errors/index.js';
import { readInputText, reasonOf } from '../files/read-input-file.js';
import { cutMarkdown, slugify, type MarkdownDocument } from './markdown-cutter.js';
import { parseRowsJson, parseRowsNdjson } from './rows-input.js';

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

type SourceKind = 'markdown' | 'json' | 'ndjson';

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
 * - `.json` files are read with {@link parseRowsJson}, `.ndjson` / `.jsonl` with {@link parseRowsNdjson}.
 * - A directory stands for the files in it with those extensions (not its sub-directories), in code-unit order of
 *   their names; other files in it are ignored.
 *
 * Rows are numbered across all sources in the order read, and each row-level issue's message is prefixed with the
 * file (and heading line, for Markdown) it came from, since a combined row index alone does not say which file to fix.
 *
 * @throws {InvalidInput} (field `paths`) when a path is missing or unreadable, is not a regular file (a FIFO or a
 *   device is refused before it is opened), is larger than {@link FileLimits.maxSourceFileBytes}, a named file has an
 *   unknown extension, a directory holds no plan sources, a file is not UTF-8, a Markdown file name has nothing to
 *   slug, or a Markdown file starts with YAML front matter or holds a NUL character.
 * @throws {PlanInvalid} when a file is not valid JSON / NDJSON, repeats a key in one object, yields no row, or the
 *   combined rows fail validation.
 */
export async function loadPlanSources(paths: readonly string[]): Promise<Cutplan> {
  if (!isList(paths) || paths.length === 0 || !paths.every((p) => typeof p === 'string' && p !== '')) {
    throw new InvalidInput('paths', `must be a non-empty array of file or folder paths, not ${describeValue(paths)}`);
  }
  const rows: unknown[] = [];
  const origins: string[] = [];
  for (const path of paths) {
    for (const file of await expand(path)) {
      const fileRows = await readSource(file, rows.length);
      // A source that yields nothing is almost always a mistake (an empty export, a file without headings); saying
      // so names the file, where the plan-level "no rows" could not.
      if (fileRows.rows.length === 0) throw new PlanInvalid([{ row: undefined, field: 'rows', message: `${file.path}: ${EMPTY_SOURCE[file.kind]}` }]);
      // One push per row: spreading a file's rows into push() passes them as call arguments, which overflows the
      // stack past about 120k rows (E_UNEXPECTED "Maximum call stack size exceeded" at a documented 1M-row limit).
      for (const row of fileRows.rows) rows.push(row);
      for (const origin of fileRows.origins) origins.push(origin);
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

/** Array.isArray, without widening a readonly array to any[]. */
const isList = (value: unknown): value is readonly unknown[] => Array.isArray(value);

/** `null`, `an array`, `a number`: what a caller passed instead, for the error. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : 'an array holding something else';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

const EMPTY_SOURCE: Readonly<Record<SourceKind, string>> = {
  markdown: 'yields no IU: it has no heading with text under it (text before the first heading is not cut)',
  json: 'holds no rows',
  ndjson: 'holds no rows (every line is blank)',
};

interface SourceFile {
  readonly path: string;
  readonly kind: SourceKind;
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

/** Reads one source's rows; `firstRow` is the combined index of its first row, so parse issues number like the plan. */
async function readSource(file: SourceFile, firstRow: number): Promise<{ rows: unknown[]; origins: string[] }> {
  const text = await readSourceText(file.path);
  if (file.kind === 'markdown') {
    const documentId = slugify(basename(file.path, extname(file.path)));
    if (documentId === '') throw new InvalidInput('paths', `${file.path}: file name has no letters or digits to use as a document id`);
    assertCuttable(file.path, text);
    const rows = cutMarkdown({ documentId, markdown: text });
    const origins = rows.map((row) => `${file.path}:${row.source?.slice(row.source.lastIndexOf(':') + 1) ?? '?'}`);
    return { rows, origins };
  }
  try {
    const rows = file.kind === 'json' ? parseRowsJson(text) : parseRowsNdjson(text);
    return { rows, origins: rows.map((_, index) => `${file.path} row ${index}`) };
  } catch (error) {
    if (!(error instanceof PlanInvalid)) throw error;
    throw new PlanInvalid(
      error.issues.map((issue) => ({
        ...issue,
        row: issue.row === undefined ? undefined : firstRow + issue.row,
        message: `${file.path}: ${issue.message}`,
      })),
    );
  }
}

/** YAML front matter: a first line `---`, and a later line `---` or `...` closing it. */
const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n(?:.*\r?\n)*?(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;

/**
 * Refuses what the Markdown parser would silently change: YAML front matter (CommonMark has none, so its last line
 * would make a setext heading of the metadata, cut as an IU) and NUL characters (replaced by U+FFFD).
 */
function assertCuttable(path: string, text: string): void {
  if (FRONT_MATTER.test(text)) {
    throw new InvalidInput('paths', `${path}: starts with YAML front matter (--- ... ---), which would be cut as a heading: remove it, or move what it says into the text`);
  }
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    const line = text.slice(0, nul).split('\n').length;
    throw new InvalidInput('paths', `${path}:${line}: contains a NUL character (U+0000), which Markdown would turn into U+FFFD: remove it`);
  }
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
