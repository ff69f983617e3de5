import { describe, it, expect } from 'vitest';
import { InvalidInput } from '../../../src/errors/index.js';
import { cutMarkdown, slugify } from '../../../src/planning/index.js';

function cut(markdown: string, documentId = 'doc') {
  return cutMarkdown({ documentId, markdown });
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('cutMarkdown sections', () => {
  it('cuts one IU per heading, nesting addresses along the heading path', () => {
    const markdown = [
      '# Backups', // 1
      '',
      'We back up everything.', // 3
      '',
      '## Retention', // 5
      'Keep 35 days.', // 6
      '',
      '### Legal hold', // 8
      'Holds never expire.', // 9
      '',
      '## Restore testing', // 11
      'Monthly.', // 12
      '',
      '# Access', // 14
      'Reviewed quarterly.', // 15
      '',
    ].join('\n');
    expect(cut(markdown, 'handbook')).toEqual([
      { address: 'handbook/backups', title: 'Backups', body: 'We back up everything.', source: 'handbook:1' },
      { address: 'handbook/backups/retention', title: 'Retention', body: 'Keep 35 days.', source: 'handbook:5' },
      { address: 'handbook/backups/retention/legal-hold', title: 'Legal hold', body: 'Holds never expire.', source: 'handbook:8' },
      { address: 'handbook/backups/restore-testing', title: 'Restore testing', body: 'Monthly.', source: 'handbook:11' },
      { address: 'handbook/access', title: 'Access', body: 'Reviewed quarterly.', source: 'handbook:14' },
    ]);
  });

  it('nests a skipped heading level under the nearest shallower heading', () => {
    const rows = cut('# Top\nt\n### Deep\nd\n## Mid\nm\n');
    expect(rows.map((r) => r.address)).toEqual(['doc/top', 'doc/top/deep', 'doc/top/mid']);
  });

  it('accepts a multi-segment documentId as the address prefix', () => {
    expect(cut('# Retention\nkeep\n', 'handbook/backups').map((r) => r.address)).toEqual(['handbook/backups/retention']);
  });

  it('ignores text before the first heading', () => {
    const rows = cut('Preamble that has no heading.\n\n# Only\nbody\n');
    expect(rows).toEqual([{ address: 'doc/only', title: 'Only', body: 'body', source: 'doc:3' }]);
  });

  it('returns no rows for a document without headings', () => {
    expect(cut('just text\n\n- and a list\n')).toEqual([]);
  });

  it('does not cut at headings inside block quotes or list items', () => {
    const rows = cut('# Outer\n> # Quoted\n> text\n\n- # In list\n');
    expect(rows).toHaveLength(1);
    expect(rows[0]?.body).toBe('> # Quoted\n> text\n\n- # In list');
  });
});

describe('cutMarkdown bodies', () => {
  it('slices the body byte-exactly from the source, unicode and emoji included', () => {
    const body = [
      'Sauvegardes chiffrées — 日本語のテキスト 😀👩‍💻 e\u0301 (combining).',
      '',
      '| Copy | Kept |',
      '| ---- | ---- |',
      '| daily 🗓️ | 35 days |',
      '',
      '* item with trailing spaces  ',
      '* **bold** and `code` and [link](https://example.com/ü)',
    ].join('\n');
    const markdown = `# Überblick 😀\n\n${body}\n\n## Next\nx\n`;
    const rows = cut(markdown);
    expect(rows[0]?.title).toBe('Überblick 😀');
    expect(rows[0]?.address).toBe('doc/uberblick');
    expect(rows[0]?.body).toBe(body);
    expect(Buffer.from(rows[0]?.body ?? '', 'utf8').equals(Buffer.from(body, 'utf8'))).toBe(true);
    expect(rows[1]?.body).toBe('x');
  });

  it('keeps CRLF line endings and inner blank lines as written', () => {
    const rows = cut('# A\r\n\r\nline one\r\n\r\n\r\nline two\r\n\r\n# B\r\nb\r\n');
    expect(rows.map((r) => r.body)).toEqual(['line one\r\n\r\n\r\nline two', 'b']);
  });

  it('keeps the indentation of a first-line indented code block', () => {
    const rows = cut('# A\n\n    indented code\n    more\n\n# B\nb');
    expect(rows[0]?.body).toBe('    indented code\n    more');
  });

  it('ignores a leading byte-order mark without shifting the slices', () => {
    const rows = cut('\uFEFF# Title\nbody text\n## Sub\nsub text');
    expect(rows.map((r) => [r.title, r.body])).toEqual([
      ['Title', 'body text'],
      ['Sub', 'sub text'],
    ]);
  });

  it('treats a # line inside fenced and indented code as code, not a heading', () => {
    const markdown = [
      '# Restore',
      '',
      '```sh',
      '# Restore the latest snapshot',
      '## not a heading either',
      'restore --latest',
      '```',
      '',
      '~~~',
      '# tilde fence',
      '~~~',
      '',
      '    # indented code',
    ].join('\n');
    const rows = cut(markdown);
    expect(rows.map((r) => r.address)).toEqual(['doc/restore']);
    expect(rows[0]?.body).toBe(markdown.slice('# Restore\n\n'.length));
  });

  it('recognises setext headings and slices their bodies after the underline', () => {
    const markdown = 'Access Policy\n=============\n\nWho may access what.\n\nPrinciples\n----------\nLeast privilege.\n';
    expect(cut(markdown, 'policy')).toEqual([
      { address: 'policy/access-policy', title: 'Access Policy', body: 'Who may access what.', source: 'policy:1' },
      { address: 'policy/access-policy/principles', title: 'Principles', body: 'Least privilege.', source: 'policy:6' },
    ]);
  });

  it('uses the plain text of a heading as its title', () => {
    const rows = cut('# Backups *and* `restore` <b>now</b>   ##\nbody\n');
    expect(rows[0]?.title).toBe('Backups and restore now');
    expect(rows[0]?.address).toBe('doc/backups-and-restore-now');
  });
});

describe('cutMarkdown duplicates and empty sections', () => {
  it('suffixes repeated heading paths with -2, -3 and nests children under the suffixed address', () => {
    const markdown = '# A\na\n## Notes\n1\n## Notes\n2\n### Deep\n3\n## Notes\n4\n# A\na2\n## Notes\n5\n';
    expect(cut(markdown).map((r) => [r.address, r.body])).toEqual([
      ['doc/a', 'a'],
      ['doc/a/notes', '1'],
      ['doc/a/notes-2', '2'],
      ['doc/a/notes-2/deep', '3'],
      ['doc/a/notes-3', '4'],
      ['doc/a-2', 'a2'],
      ['doc/a-2/notes', '5'],
    ]);
  });

  it('skips a suffix that a heading already took', () => {
    const rows = cut('# Notes 2\nx\n# Notes\ny\n# Notes\nz\n');
    expect(rows.map((r) => r.address)).toEqual(['doc/notes-2', 'doc/notes', 'doc/notes-3']);
  });

  it('skips sections with an empty or whitespace-only body but keeps their path for sub-sections', () => {
    const markdown = '# Parent\n## Child\nchild body\n# Blank\n\n   \n\t\n# Last\nlast body\n## Trailing\n\n';
    expect(cut(markdown).map((r) => [r.address, r.body])).toEqual([
      ['doc/parent/child', 'child body'],
      ['doc/last', 'last body'],
    ]);
  });

  it('falls back to the segment "section" for a heading with nothing to slug', () => {
    const rows = cut('# 概要\nA\n# 🚀\nB\n');
    expect(rows.map((r) => [r.address, r.title])).toEqual([
      ['doc/section', '概要'],
      ['doc/section-2', '🚀'],
    ]);
  });
});

describe('cutMarkdown documentId', () => {
  it.each(['', 'Handbook', 'hand book', '/handbook', 'handbook/', '-handbook'])('rejects documentId %j', (documentId) => {
    const error = thrown(() => cutMarkdown({ documentId, markdown: '# A\nb' }));
    expect(error).toBeInstanceOf(InvalidInput);
    expect((error as InvalidInput).field).toBe('documentId');
  });
});

describe('slugify', () => {
  it.each([
    ['Restore testing', 'restore-testing'],
    ['  --Hello,  World!--  ', 'hello-world'],
    ['Überblick & Çà', 'uberblick-ca'],
    ['SEV1 / SEV2', 'sev1-sev2'],
    ['snake_case.name', 'snake-case-name'],
    ['概要', ''],
  ])('slugs %j to %j', (input, expected) => {
    expect(slugify(input)).toBe(expected);
  });
});
