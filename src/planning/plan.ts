import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { validateCutplan, type Cutplan } from '../domain/cutplan.js';
import { InvalidInput, PlanInvalid } from '../errors/index.js';
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
 * @throws {InvalidInput} (field `paths`) when a path is missing or unreadable, a named file has an unknown extension,
 *   a directory holds no plan sources, a file is not UTF-8, or a Markdown file name has nothing to slug.
 * @throws {PlanInvalid} when a file is not valid JSON / NDJSON or the combined rows fail validation.
 */
export async function loadPlanSources(paths: readonly string[]): Promise<Cutplan> {
  const rows: unknown[] = [];
  const origins: string[] = [];
  for (const path of paths) {
    for (const file of await expand(path)) {
      const fileRows = await readSource(file, rows.length);
      rows.push(...fileRows.rows);
      origins.push(...fileRows.origins);
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
  const text = await readUtf8(file.path);
  if (file.kind === 'markdown') {
    const documentId = slugify(basename(file.path, extname(file.path)));
    if (documentId === '') throw new InvalidInput('paths', `${file.path}: file name has no letters or digits to use as a document id`);
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

/** Decodes strictly: governed content silently altered by replacement characters would be worse than an error. */
async function readUtf8(path: string): Promise<string> {
  const bytes = await fsCall(path, () => readFile(path));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InvalidInput('paths', `${path}: not valid UTF-8`);
  }
}

/** Turns a file-system failure on a caller's path into an InvalidInput naming that path. */
async function fsCall<T>(path: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    const reason = code === 'ENOENT' ? 'no such file or directory' : `cannot read (${code})`;
    throw new InvalidInput('paths', `${path}: ${reason}`);
  }
}
