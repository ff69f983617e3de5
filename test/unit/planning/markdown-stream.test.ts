/**
 * The Markdown cut a part at a time (cutMarkdownLines) must cut exactly what cutMarkdown cuts from the whole text:
 * same addresses (suffixes included), titles, byte-exact bodies and heading lines, whatever the part size.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { IURowInput } from '../../../src/domain/iu.js';
import { cutMarkdown } from '../../../src/planning/index.js';
import { cutMarkdownLines } from '../../../src/planning/markdown-stream.js';

const examplesDir = fileURLToPath(new URL('../../../examples/docs', import.meta.url));

/** The text's lines, each with its \n, as readInputLines yields them (a sync generator: for await takes it too). */
function* linesOf(text: string): Generator<string> {
  let start = 0;
  for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
    yield text.slice(start, end + 1);
    start = end + 1;
  }
  if (start < text.length) yield text.slice(start);
}

/** An async iterable over `lines`, as a file reader gives them. */
function toAsync(lines: Iterable<string>): AsyncIterable<string> {
  return { [Symbol.asyncIterator]: () => { const it = lines[Symbol.iterator](); return { next: () => Promise.resolve(it.next()) }; } };
}

async function streamed(markdown: string, partChars: number): Promise<IURowInput[]> {
  const rows: IURowInput[] = [];
  for await (const row of cutMarkdownLines('doc', toAsync(linesOf(markdown)), () => undefined, partChars)) rows.push(row);
  return rows;
}

/** Documents where a heading-like line is not a heading, or a heading is easy to miss. */
const TRICKY = [
  ['fenced code holding # lines', '# A\ntext\n```\n# not a heading\n## nor this\n```\nafter\n# B\nb\n'],
  ['a long fence across parts', `# A\n\n\`\`\`sh\n${'# comment line\n'.repeat(40)}\`\`\`\n\n# B\nb\n`],
  ['an unclosed fence to the end', '# A\na\n~~~\n# in code\n# still code\n'],
  ['setext headings', 'Title one\n=========\nbody one\n\nTitle two\n---------\nbody two\n'],
  ['quotes and lists', '# Outer\n> # Quoted\n> text\n\n- # In list\n  more\n# Next\nn\n'],
  ['indented headings', '   # Three spaces\nx\n    # four: code\n# Z\nz\n'],
  ['repeated paths get suffixes', '# A\n1\n## B\n2\n# A\n3\n## B\n4\n# A-2\n5\n# A\n6\n'],
  ['CRLF and a preamble', 'Intro\r\n\r\n# One\r\nbody\r\n\r\n## Two\r\nmore\r\n'],
  ['empty sections and deep nesting', '# A\n## B\n### C\nc\n#### D\nd\n## E\n# F\nf'],
  ['HTML blocks', '# A\n<div>\n# inside html?\n</div>\n\n<!--\n# in a comment\n-->\n# B\nb\n'],
  ['a lazy paragraph line', '# A\n> quoted\nlazy\n# B\nb\n'],
] as const;

describe('cutMarkdownLines cuts what cutMarkdown cuts', () => {
  it.each(TRICKY)('%s, at every part size', async (_name, markdown) => {
    const whole = cutMarkdown({ documentId: 'doc', markdown });
    for (const partChars of [1, 7, 16, 40, 100, 10_000]) expect(await streamed(markdown, partChars)).toEqual(whole);
  }, 30_000);

  it('every bundled example, and all of them as one long document, cut in small parts', async () => {
    const texts: string[] = [];
    for (const name of (await readdir(examplesDir)).filter((n) => n.endsWith('.md')).sort()) texts.push(await readFile(join(examplesDir, name), 'utf8'));
    expect(texts.length).toBeGreaterThan(0);
    for (const markdown of [...texts, texts.join('\n')]) {
      const whole = cutMarkdown({ documentId: 'doc', markdown });
      expect(whole.length).toBeGreaterThan(0);
      for (const partChars of [64, 512, 4096]) expect(await streamed(markdown, partChars)).toEqual(whole);
    }
  }, 60_000);

  it('shows the first part (at least partChars, or all) to beforeFirstPart before any row is yielded', async () => {
    const seen: string[] = [];
    const rows = cutMarkdownLines('doc', toAsync(linesOf('# A\na\n# B\nb\n# C\nc\n')), (start) => seen.push(start), 8);
    const first = await rows.next();
    expect(seen).toEqual(['# A\na\n# B\n']);
    expect(first.value).toMatchObject({ address: 'doc/a', body: 'a' });
  });

  it('a file of many headings comes out in order with the right heading lines', async () => {
    const markdown = Array.from({ length: 2000 }, (_, i) => `# Section ${i}\n\nBody ${i}.\n`).join('\n');
    const rows = await streamed(markdown, 256);
    expect(rows).toHaveLength(2000);
    expect(rows[1999]).toEqual({ address: 'doc/section-1999', title: 'Section 1999', body: 'Body 1999.', source: `doc:${1999 * 4 + 1}` });
    expect(rows).toEqual(cutMarkdown({ documentId: 'doc', markdown }));
  }, 60_000); // 2,000 headings parsed at several part sizes: seconds on a busy machine
});
