import type { Heading, Node } from 'mdast';
import type * as FromMarkdown from 'mdast-util-from-markdown';
import type * as ToString from 'mdast-util-to-string';
import type { IURowInput } from '../domain/iu.js';
import { ADDRESS_PATTERN } from '../domain/limits.js';
import { InvalidInput } from '../errors/index.js';
import { loadOnDemand } from '../modules/load-on-demand.js';
import { SegmentSet } from './segment-set.js';

// The Markdown parser (micromark) is loaded by the first Markdown source, not by every command that imports planning.
const fromMarkdownModule = loadOnDemand<typeof FromMarkdown>('mdast-util-from-markdown');
const toStringModule = loadOnDemand<typeof ToString>('mdast-util-to-string');

/** One Markdown source document to cut. */
export interface MarkdownDocument {
  /** First segment(s) of every address cut from the document; must itself match the address pattern. */
  readonly documentId: string;
  readonly markdown: string;
}

/** The segment used when a heading has no letters or digits to slug (e.g. a heading written only in CJK or emoji). */
const FALLBACK_SEGMENT = 'section';

/**
 * Turns text into an address segment: lower-case ASCII letters and digits, every other run of characters becoming a
 * single `-`, with no leading or trailing `-`. Accents are folded (`Überblick` → `uberblick`) because addresses are
 * ASCII-only; text with no foldable letters or digits yields `''`.
 */
export function slugify(text: string): string {
  return text
    .toLowerCase()
    // NFKD splits accented letters into base letter + combining mark, so dropping the marks keeps the letter.
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * Cuts one Markdown document into IU rows, one per heading section, using the CommonMark parser (so a `#` line inside
 * a fenced code block is code, not a heading, and setext headings count).
 *
 * - A section runs from a heading to the next heading of any level: a sub-heading starts its own IU, and its parent's
 *   body is only the text before the first sub-heading. Only top-level headings cut; a heading inside a block quote or
 *   list item is content, because cutting there would split the quote or list in two.
 * - The address is `documentId` followed by the slugs of the heading path (`handbook/backups/retention`); a heading
 *   with nothing to slug uses `section`. A repeated path gets `-2`, `-3`, … on its last segment, and its sub-headings
 *   nest under the suffixed address.
 * - The title is the heading's plain text (inline markup and HTML dropped, whitespace collapsed).
 * - The body is the section's source text exactly as written, sliced by the parser's offsets, without the heading
 *   itself and without surrounding blank lines.
 * - A section whose body is empty (a heading directly followed by a sub-heading, or at the end of the file) yields no
 *   IU: an IU must carry content, and the heading text still shapes its sub-sections' addresses.
 * - Text before the first heading yields no IU: it has no heading to name or address it.
 * - `source` is `documentId:line` of the heading, for people tracing a row back to the file.
 *
 * A leading byte-order mark is ignored. YAML front matter is not recognised (CommonMark has none), so strip it first.
 * Rows are not validated here (an empty heading with a body yields an empty title); run them through
 * `validateCutplan`, which names the offending row and field.
 *
 * @throws {InvalidInput} when `doc` is not an object, `markdown` not a string, or `documentId` does not match the
 *   address pattern.
 */
export function cutMarkdown(doc: MarkdownDocument): IURowInput[] {
  // Callers may not be TypeScript: a missing document or text gets a named error, not a TypeError.
  if (typeof doc !== 'object' || doc === null) throw new InvalidInput('doc', 'must be an object { documentId, markdown }');
  if (typeof doc.markdown !== 'string') throw new InvalidInput('markdown', 'must be a string (the document\'s text)');
  const { documentId } = doc;
  if (typeof documentId !== 'string' || !ADDRESS_PATTERN.test(documentId)) {
    throw new InvalidInput('documentId', `"${documentId}" must be lower-case path segments such as handbook`);
  }
  // The parser drops a BOM but counts offsets after it; removing it first keeps offsets aligned with our string.
  const markdown = doc.markdown.startsWith('\uFEFF') ? doc.markdown.slice(1) : doc.markdown;
  const headings = topLevelHeadings(markdown);
  return [...sectionRows(markdown, headings, headings.length, new HeadingPath(documentId), 0)];
}

/** The headings that cut: top-level ones (not inside a block quote or list item), in document order. */
export function topLevelHeadings(markdown: string): Heading[] {
  return fromMarkdownModule().fromMarkdown(markdown).children.filter((node): node is Heading => node.type === 'heading');
}

/**
 * The rows of the first `count` of `headings` (parsed from `markdown`): each section runs to the next heading, or to
 * the end of `markdown` for the last of all. `firstLine` is the number of lines before `markdown` in its file, for a
 * cutter that parses a file a part at a time ({@link cutMarkdown} passes 0).
 */
export function* sectionRows(markdown: string, headings: readonly Heading[], count: number, path: HeadingPath, firstLine: number): Generator<IURowInput> {
  for (let index = 0; index < count; index++) {
    const heading = headings[index] as Heading;
    const title = toStringModule().toString(heading, { includeHtml: false }).replace(/\s+/g, ' ').trim();
    const address = path.enter(heading.depth, title);
    const next = headings[index + 1];
    const body = trimBlankLines(markdown.slice(offsets(heading).end, next === undefined ? markdown.length : offsets(next).start));
    if (body.trim().length === 0) continue;
    yield { address, title, body, source: `${path.documentId}:${firstLine + offsets(heading).line}` };
  }
}

/**
 * Where a document's cut stands: the headings still open (each heading's section nests under the nearest shallower
 * one) and the address segments already taken under each of them, so a repeated path gets `-2`, `-3`, ….
 * Two addresses can only be equal if they share a parent, so each open heading keeps only its own children's
 * segments, dropped when it closes: a long document holds its open path, not every address it has cut.
 */
export class HeadingPath {
  readonly #root = new SegmentSet();
  readonly #open: { depth: number; address: string; children: SegmentSet | undefined }[] = [];

  constructor(readonly documentId: string) {}

  /** Enters a heading of `depth` titled `title`, returning its address. */
  enter(depth: number, title: string): string {
    while ((this.#open.at(-1)?.depth ?? 0) >= depth) this.#open.pop();
    const parent = this.#open.at(-1);
    const taken = parent === undefined ? this.#root : (parent.children ??= new SegmentSet());
    const segment = claimUnique(slugify(title) || FALLBACK_SEGMENT, taken);
    const address = `${parent?.address ?? this.documentId}/${segment}`;
    // A heading's set is made by its first child: most headings have none.
    this.#open.push({ depth, address, children: undefined });
    return address;
  }
}

/** Returns `base`, or `base-2`, `base-3`, … — the first not yet taken — and marks it taken. */
function claimUnique(base: string, taken: SegmentSet): string {
  let candidate = base;
  // `add` says whether it was free: one lookup per candidate, not a lookup and then an insert.
  for (let n = 2; !taken.add(candidate); n += 1) candidate = `${base}-${n}`;
  return candidate;
}

function offsets(node: Node): { start: number; end: number; line: number } {
  const { position } = node;
  const start = position?.start.offset;
  const end = position?.end.offset;
  // fromMarkdown always records offsets; slicing without them would silently cut the wrong text, so fail loudly.
  if (position === undefined || start === undefined || end === undefined) {
    throw new Error('markdown parser returned a heading without source offsets');
  }
  return { start, end, line: position.start.line };
}

/**
 * Drops whole blank lines at both ends (and the line break after the heading) but keeps the indentation of the first
 * content line, since four leading spaces make an indented code block and `trim()` would turn it into a paragraph.
 */
function trimBlankLines(text: string): string {
  return text.replace(/^(?:[ \t]*(?:\r\n|\r|\n))+/, '').replace(/(?:(?:\r\n|\r|\n)[ \t]*)+$/, '');
}
