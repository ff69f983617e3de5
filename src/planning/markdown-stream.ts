import type { IURowInput } from '../domain/iu.js';
import { HeadingPath, sectionRows, topLevelHeadings } from './markdown-cutter.js';

/**
 * Characters of Markdown parsed at a time, at least: the parser's tree of one part is what the cut holds. The parser's
 * cost grows faster than a part's size: `cutter plan` of 100k 1 KB sections took 25.5 s with 1 MiB parts and 17.4 s
 * with 128 KiB ones (64 KiB: 16.9 s), at the same peak RSS.
 */
const PART_CHARS = 128 * 1024;

/**
 * Cuts a Markdown document read line by line (each line with its line break, as {@link readInputLines} yields them)
 * into the rows {@link cutMarkdown} would cut from the whole text, holding about a part of the text at a time.
 *
 * The text is parsed a part at a time. In a part, every section but the last is complete: it ends where the next
 * top-level heading starts, and that heading's line is where CommonMark's block structure starts afresh (an ATX
 * heading cannot continue a paragraph, a quote or a list; a setext heading's paragraph starts on it), so what follows
 * parses the same from there as within the whole document. Those rows are yielded, and the text from the last
 * heading's line on is kept and parsed again with the next lines. A part grows to twice the text kept, so one long
 * section costs linear, not quadratic, time. One difference is knowingly left: a reference link in a heading whose
 * definition (`[x]: url`) lies more than a part away reads as its literal text in the title.
 *
 * `beforeFirstPart` sees the start of the text (at least a part, or all of it) before anything is cut, so the caller
 * can refuse what must be refused before any row (YAML front matter).
 */
export async function* cutMarkdownLines(
  documentId: string,
  lines: AsyncIterable<string>,
  beforeFirstPart: (start: string) => void = () => undefined,
  partChars = PART_CHARS,
): AsyncGenerator<IURowInput> {
  const path = new HeadingPath(documentId);
  let text = '';
  let linesBefore = 0;
  let threshold = partChars;
  let first = true;
  for await (const line of lines) {
    text += line;
    if (text.length < threshold) continue;
    if (first) beforeFirstPart(text);
    first = false;
    const headings = topLevelHeadings(text);
    const last = headings.at(-1);
    const start = last?.position?.start;
    // Without a heading (a long preamble), or with only the one it starts with, nothing is complete yet.
    if (headings.length >= 2 && start?.offset !== undefined) {
      yield* sectionRows(text, headings, headings.length - 1, path, linesBefore);
      // Kept from the start of the heading's line, so its indentation (up to three spaces) stays with it.
      text = text.slice(text.lastIndexOf('\n', start.offset - 1) + 1);
      linesBefore += start.line - 1;
    }
    threshold = Math.max(partChars, 2 * text.length);
  }
  if (first) beforeFirstPart(text);
  const headings = topLevelHeadings(text);
  yield* sectionRows(text, headings, headings.length, path, linesBefore);
}
