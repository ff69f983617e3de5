import { basename, extname } from 'node:path';
import { FileLimits } from '../domain/limits.js';
import { InvalidInput, PlanInvalid, type PlanIssue } from '../errors/index.js';
import { readInputText } from '../files/read-input-file.js';
import { readInputLines } from '../files/read-input-lines.js';
import { slugify } from './markdown-cutter.js';
import { cutMarkdownLines } from './markdown-stream.js';
import { parseNdjsonLine, parseRowsJson } from './rows-input.js';

export type SourceKind = 'markdown' | 'json' | 'ndjson';

/** A plan source file and how it is read. */
export interface SourceFile {
  readonly path: string;
  readonly kind: SourceKind;
}

/** One row as a source gave it (unvalidated), and where it came from, for people: `file row 3`, `file.md:12`. */
export interface SourceRow {
  readonly raw: unknown;
  readonly origin: string;
}

const EMPTY_SOURCE: Readonly<Record<SourceKind, string>> = {
  markdown: 'yields no IU: it has no heading with text under it (text before the first heading is not cut)',
  json: 'holds no rows',
  ndjson: 'holds no rows (every line is blank)',
};

/**
 * A source's rows, yielded as they are read: Markdown and NDJSON a line at a time (never the whole file, which may be
 * up to {@link FileLimits.maxStreamedSourceFileBytes}), `.json` (one document) whole within
 * {@link FileLimits.maxSourceFileBytes}. `firstRow` is the combined index of the source's first row, so issues number
 * rows as the plan does.
 *
 * A bad NDJSON line yields `undefined` in its place (so later rows keep their numbers), and every such line's issue is
 * thrown together at the end of the file, as {@link PlanInvalid}, each message prefixed with the file; a source that
 * yields no row is refused there too. What is wrong with the file itself ({@link InvalidInput}: unreadable, too large,
 * not UTF-8, a line too long, front matter, NUL) is thrown as soon as it is found. `lazy`: an NDJSON row is parsed only
 * when its `raw` is first read, and a line never read is never refused (for a second reading of rows already checked).
 */
export async function* sourceRows(file: SourceFile, firstRow: number, options: { readonly lazy?: boolean } = {}): AsyncGenerator<SourceRow> {
  let count = 0;
  if (file.kind === 'markdown') {
    for await (const row of markdownRows(file.path)) { count += 1; yield row; }
  } else {
    const issues: PlanIssue[] = [];
    const rows = file.kind === 'json' ? jsonRows(file.path) : ndjsonRows(file.path, issues, options.lazy === true);
    try {
      for await (const raw of rows) {
        const origin = `${file.path} row ${count}`;
        yield raw instanceof NdjsonLine ? raw.row(origin) : { raw, origin };
        count += 1;
      }
    } catch (error) {
      if (!(error instanceof PlanInvalid)) throw error;
      for (const issue of error.issues) issues.push(issue);
    }
    if (issues.length > 0) {
      throw new PlanInvalid(issues.map((issue) => ({ ...issue, row: issue.row === undefined ? undefined : firstRow + issue.row, message: `${file.path}: ${issue.message}` })));
    }
  }
  // A source that yields nothing is almost always a mistake (an empty export, a file without headings); saying so
  // names the file, where the plan-level "no rows" could not.
  if (count === 0) throw new PlanInvalid([{ row: undefined, field: 'rows', message: `${file.path}: ${EMPTY_SOURCE[file.kind]}` }]);
}

/** The rule of a streamed source: the file as a whole may be large, a line may not. */
const LINE_RULE = {
  field: 'paths',
  maxBytes: FileLimits.maxStreamedSourceFileBytes,
  limitName: 'FileLimits.maxStreamedSourceFileBytes',
  maxLineChars: FileLimits.maxSourceLineChars,
  lineLimitName: 'FileLimits.maxSourceLineChars',
} as const;

/**
 * One NDJSON line, parsed when it is read, or (lazy) only when its row is first asked for: streamed planning reads its
 * sources a second time for the change set's rows alone, and skips the others without parsing them (JSON.parse and the
 * duplicate-key scan are most of a 1 KB row's cost). Its issues go into `issues` when it is parsed.
 */
class NdjsonLine {
  #parsed: { value: unknown } | undefined;

  constructor(readonly text: string, readonly lineNumber: number, readonly index: number, readonly issues: PlanIssue[]) {}

  row(origin: string): SourceRow {
    const value = (): unknown => this.value();
    return { origin, get raw() { return value(); } };
  }

  value(): unknown {
    if (this.#parsed === undefined) {
      const parsed = parseNdjsonLine(this.text, this.lineNumber, this.index);
      for (const issue of parsed?.issues ?? []) this.issues.push(issue);
      this.#parsed = { value: parsed?.value };
    }
    return this.#parsed.value;
  }
}

/** NDJSON rows a line at a time; the issues of bad lines are collected into `issues` (the row stays numbered). */
async function* ndjsonRows(path: string, issues: PlanIssue[], lazy: boolean): AsyncGenerator {
  let lineNumber = 0;
  let row = 0;
  for await (const line of readInputLines(path, LINE_RULE)) {
    lineNumber += 1;
    // parseRowsNdjson splits at \r?\n; a line here ends with its \n, and maybe a \r before it.
    const text = line.replace(/\r?\n$/, '');
    if (text.trim().length === 0) continue; // a blank line is no row (parseNdjsonLine's null)
    const pending = new NdjsonLine(text, lineNumber, row, issues);
    if (!lazy) pending.value();
    row += 1;
    yield pending;
  }
}

async function* jsonRows(path: string): AsyncGenerator {
  const text = await readInputText(path, { field: 'paths', maxBytes: FileLimits.maxSourceFileBytes, limitName: 'FileLimits.maxSourceFileBytes' });
  yield* parseRowsJson(text);
}

/**
 * A Markdown file's rows: the document id is the file's base name without its extension, slugged
 * (`Access Policy.md` → `access-policy`); the origin of a row is the file and its heading's line.
 */
async function* markdownRows(path: string): AsyncGenerator<SourceRow> {
  const documentId = slugify(basename(path, extname(path)));
  if (documentId === '') throw new InvalidInput('paths', `${path}: file name has no letters or digits to use as a document id`);
  // A NUL is refused naming its line; one in the first part waits until front matter (refused first) is ruled out.
  let lineNumber = 0;
  let nulLine: number | undefined;
  let started = false;
  async function* checked(): AsyncGenerator<string> {
    for await (const line of readInputLines(path, LINE_RULE)) {
      lineNumber += 1;
      if (nulLine === undefined && line.includes('\u0000')) {
        nulLine = lineNumber;
        if (started) throw nulFound(path, nulLine);
      }
      yield line;
    }
  }
  const beforeFirstPart = (start: string): void => {
    started = true;
    if (FRONT_MATTER.test(start)) {
      throw new InvalidInput('paths', `${path}: starts with YAML front matter (--- ... ---), which would be cut as a heading: remove it, or move what it says into the text`);
    }
    if (nulLine !== undefined) throw nulFound(path, nulLine);
  };
  for await (const row of cutMarkdownLines(documentId, checked(), beforeFirstPart)) {
    yield { raw: row, origin: `${path}:${row.source?.slice(row.source.lastIndexOf(':') + 1) ?? '?'}` };
  }
}

/** YAML front matter: a first line `---`, and a later line `---` or `...` closing it. */
const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n(?:.*\r?\n)*?(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;

/** Markdown would turn a NUL into U+FFFD: governed text silently changed. */
function nulFound(path: string, line: number): InvalidInput {
  return new InvalidInput('paths', `${path}:${line}: contains a NUL character (U+0000), which Markdown would turn into U+FFFD: remove it`);
}

/** The rows of every file in turn, numbered across them as one plan numbers them; `lazy` as {@link sourceRows}. */
export async function* allSourceRows(files: readonly SourceFile[], options: { readonly lazy?: boolean } = {}): AsyncGenerator<SourceRow> {
  let count = 0;
  for (const file of files) {
    for await (const row of sourceRows(file, count, options)) {
      count += 1;
      yield row;
    }
  }
}

/**
 * The files' rows as streamed planning reads them (stagePlan's sources): each call reads them again from the start.
 * The first reading parses every row, and refuses a bad line, as {@link allSourceRows} does (`first` may wrap it, for
 * progress); a later one parses an NDJSON row only if it is asked for (lazy), since it is after the change set alone.
 */
export function reopenableSourceRows(files: readonly SourceFile[], first: (rows: AsyncIterable<SourceRow>) => AsyncIterable<SourceRow> = (rows) => rows): () => AsyncIterable<SourceRow> {
  let readings = 0;
  return () => (readings++ === 0 ? first(allSourceRows(files)) : allSourceRows(files, { lazy: true }));
}
