/**
 * The bad-input corpus, part 1: plan sources and plan files given to `cutter plan` and `cutter run` (issue 18, "Bad
 * input"; invariant I13). Every case runs in-process and is refused before any target is opened: the embedded
 * database's folder named by --data-dir must never be made. Hangs (FIFO, /dev/zero, /proc) are in hangs.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ExitCode } from '../../../src/cli/exit-codes.js';
import { contentHashOf } from '../../../src/domain/iu.js';
import { FileLimits, PlanLimits } from '../../../src/domain/limits.js';
import { expectCase, listing, type CorpusCase } from '../../support/bad-input-corpus.js';

const dir = join(tmpdir(), `cutter-bad-sources-${randomBytes(4).toString('hex')}`);
const never = join(dir, 'target-never-opened');
const files = new Map<string, string | Buffer>();
/** A file of the corpus (written in beforeAll), by its path. */
const file = (name: string, content: string | Buffer): string => { files.set(name, content); return join(dir, name); };
const row = (address: string, extra: Record<string, unknown> = {}) => ({ address, title: 'Title', body: 'Body.', ...extra });
const json = (value: unknown) => JSON.stringify(value);

const INVALID = { exit: ExitCode.InvalidInput, code: 'E_PLAN_INVALID' } as const;
const INPUT = { exit: ExitCode.InvalidInput, code: 'E_INVALID_INPUT' } as const;

/** Each source is given to `cutter plan`; the names include the file's path. */
const planCases: (Omit<CorpusCase, 'args'> & { readonly source: string })[] = [
  // Malformed JSON.
  { name: 'JSON: not JSON at all', source: file('garbage.json', '{bad'), ...INVALID, names: ['not valid JSON', '(line 1, column 2)'] },
  { name: 'JSON: truncated', source: file('truncated.json', '[{"address":"a/b","title":"T"'), ...INVALID, names: ['not valid JSON'] },
  { name: 'JSON: trailing comma', source: file('trailing-comma.json', `[${json(row('a/b'))},]`), ...INVALID, names: ['not valid JSON'] },
  { name: 'JSON: an empty file', source: file('zero-bytes.json', ''), ...INVALID, names: ['not valid JSON'] },
  { name: 'JSON: comments', source: file('comments.json', `// rows\n[${json(row('a/b'))}]`), ...INVALID, names: ['not valid JSON'] },
  { name: 'JSON: a lone BOM', source: file('bom-only.json', '\uFEFF'), ...INVALID, names: ['not valid JSON'] },
  { name: 'JSON: two documents', source: file('two-docs.json', `[${json(row('a/b'))}]\n[${json(row('a/c'))}]`), ...INVALID, names: ['not valid JSON'] },
  // Shapes.
  { name: 'JSON: [] (no rows)', source: file('empty-array.json', '[]'), ...INVALID, names: ['holds no rows'] },
  { name: 'JSON: { "rows": [] }', source: file('empty-rows.json', '{"rows":[]}'), ...INVALID, names: ['holds no rows'] },
  { name: 'JSON: {}', source: file('empty-object.json', '{}'), ...INVALID, names: ['must be a JSON array of rows'] },
  { name: 'JSON: null', source: file('null.json', 'null'), ...INVALID, names: ['must be a JSON array of rows'] },
  { name: 'JSON: a string', source: file('string.json', '"rows"'), ...INVALID, names: ['must be a JSON array of rows'] },
  { name: 'JSON: a number', source: file('number.json', '42'), ...INVALID, names: ['must be a JSON array of rows'] },
  { name: 'JSON: an extra top-level key', source: file('extra-key.json', json({ rows: [row('a/b')], comment: 'x' })), ...INVALID, names: ['comment', 'is not allowed'] },
  { name: 'JSON: rows is an object', source: file('rows-object.json', json({ rows: { a: row('a/b') } })), ...INVALID, names: ['must be a JSON array of rows'] },
  // Duplicate keys: JSON.parse would keep the last and drop the first without a word.
  { name: 'JSON: "rows" twice (the first array silently dropped before)', source: file('duplicate-rows.json', `{"rows":[${json(row('a/b'))}],\n"rows":[${json(row('a/c'))}]}`), ...INVALID, names: ['the key "rows" appears twice', 'line 2'] },
  { name: 'JSON: a field twice in one row', source: file('duplicate-title.json', `[${json(row('a/b'))},\n{"address":"a/c","title":"One","title":"Two","body":"x"}]`), ...INVALID, names: ['row 1 · title', 'appears twice'] },
  { name: 'JSON: a key twice, spelt with an escape', source: file('duplicate-escaped.json', '{"rows":[],"r\\u006fws":[]}'), ...INVALID, names: ['the key "rows" appears twice'] },
  // Rows: wrong types, nested garbage, bad addresses, limits, control characters.
  { name: 'row: a number', source: file('row-number.json', '[1]'), ...INVALID, names: ['row 0'] },
  { name: 'row: null', source: file('row-null.json', '[null]'), ...INVALID, names: ['row 0'] },
  { name: 'row: an array (deeply nested)', source: file('deep.json', `${'['.repeat(5000)}1${']'.repeat(5000)}`), ...INVALID, names: ['row 0'] },
  { name: 'row: title is an object', source: file('title-object.json', json([row('a/b', { title: { en: ['x'] } })])), ...INVALID, names: ['row 0 · title'] },
  { name: 'row: body is a number', source: file('body-number.json', json([row('a/b', { body: 7 })])), ...INVALID, names: ['row 0 · body'] },
  { name: 'row: no body', source: file('no-body.json', json([{ address: 'a/b', title: 'T' }])), ...INVALID, names: ['row 0 · body'] },
  { name: 'row: a misspelt field', source: file('misspelt.json', json([{ address: 'a/b', titel: 'T', body: 'x' }])), ...INVALID, names: ['row 0 · titel'] },
  { name: 'row: a blank title', source: file('blank-title.json', json([row('a/b', { title: '  ' })])), ...INVALID, names: ['row 0 · title', 'must not be empty'] },
  { name: 'address: upper case', source: file('upper.json', json([row('Handbook/Backups')])), ...INVALID, names: ['row 0 · address'] },
  { name: 'address: a leading slash', source: file('slash.json', json([row('/a/b')])), ...INVALID, names: ['row 0 · address'] },
  { name: 'address: a .. segment', source: file('dotdot.json', json([row('a/../b')])), ...INVALID, names: ['row 0 · address'] },
  { name: 'address: a space', source: file('space.json', json([row('a/b c')])), ...INVALID, names: ['row 0 · address'] },
  { name: 'address: a newline', source: file('newline.json', json([row('a/b\nc')])), ...INVALID, names: ['row 0 · address'] },
  { name: 'address: too long', source: file('long-address.json', json([row(`a/${'b'.repeat(PlanLimits.maxAddressChars)}`)])), ...INVALID, names: ['row 0 · address', `${PlanLimits.maxAddressChars}`] },
  { name: 'address: twice', source: file('twice.json', json([row('a/b'), row('a/b')])), ...INVALID, names: ['row 1 · address', 'duplicates row 0'] },
  { name: 'title: too long', source: file('long-title.json', json([row('a/b', { title: 't'.repeat(PlanLimits.maxTitleChars + 1) })])), ...INVALID, names: ['row 0 · title', `${PlanLimits.maxTitleChars}`] },
  { name: 'body: over 1 MiB', source: file('big-body.json', json([row('a/b', { body: 'x'.repeat(PlanLimits.maxBodyBytes + 1) })])), ...INVALID, names: ['row 0 · body', `${PlanLimits.maxBodyBytes}`] },
  { name: 'body: a NUL', source: file('nul-body.json', json([row('a/b', { body: 'a\u0000b' })])), ...INVALID, names: ['row 0 · body', 'NUL'] },
  { name: 'body: a lone surrogate', source: file('surrogate.json', '[{"address":"a/b","title":"T","body":"\\ud800"}]'), ...INVALID, names: ['row 0 · body', 'well-formed'] },
  { name: 'contentHash: does not match', source: file('hash.json', json([row('a/b', { contentHash: contentHashOf('Other', 'Body.') })])), ...INVALID, names: ['row 0 · contentHash'] },
  { name: 'action: on some rows only', source: file('mixed-actions.json', json([row('a/b', { action: 'new' }), row('a/c')])), ...INVALID, names: ['row 1 · action'] },
  // NDJSON.
  { name: 'NDJSON: an empty file', source: file('empty.ndjson', ''), ...INVALID, names: ['holds no rows'] },
  { name: 'NDJSON: blank lines only', source: file('blank.jsonl', '\n  \r\n\n'), ...INVALID, names: ['holds no rows'] },
  { name: 'NDJSON: a bad line', source: file('bad-line.ndjson', `${json(row('a/b'))}\n{broken\n`), ...INVALID, names: ['row 1 · row', 'line 2: not valid JSON'] },
  { name: 'NDJSON: a line that is an array', source: file('array-line.ndjson', `${json([row('a/b')])}\n`), ...INVALID, names: ['row 0'] },
  { name: 'NDJSON: a null line', source: file('null-line.ndjson', 'null\n'), ...INVALID, names: ['row 0'] },
  { name: 'NDJSON: a key twice in a line', source: file('dup-line.ndjson', `${json(row('a/b'))}\n{"address":"a/c","body":"x","body":"y","title":"T"}\n`), ...INVALID, names: ['row 1 · body', 'line 2', 'appears twice'] },
  { name: 'NDJSON: a huge line (2 MiB body)', source: file('huge-line.ndjson', `${json(row('a/b', { body: 'y'.repeat(2 * 1024 * 1024) }))}\n`), ...INVALID, names: ['row 0 · body'] },
  // Markdown.
  { name: 'Markdown: an empty file', source: file('empty.md', ''), ...INVALID, names: ['yields no IU'] },
  { name: 'Markdown: no heading', source: file('no-heading.md', 'Just text.\n\nMore text.\n'), ...INVALID, names: ['yields no IU'] },
  { name: 'Markdown: headings without text', source: file('headings-only.md', '# One\n## Two\n'), ...INVALID, names: ['yields no IU'] },
  { name: 'Markdown: YAML front matter', source: file('front-matter.md', '---\ntitle: Policy\nowner: ops\n---\n# Policy\n\nText.\n'), ...INPUT, names: ['YAML front matter'] },
  { name: 'Markdown: YAML front matter after a BOM, with CRLF', source: file('front-matter-crlf.md', '\uFEFF---\r\ntitle: x\r\n---\r\n# A\r\n\r\nText.\r\n'), ...INPUT, names: ['YAML front matter'] },
  { name: 'Markdown: a NUL in a heading (was silently U+FFFD)', source: file('nul-heading.md', '# Fine\n\nText.\n\n# Bad\u0000heading\n\nText.\n'), ...INPUT, names: [/nul-heading\.md:5: contains a NUL/] },
  { name: 'Markdown: not UTF-8 (Latin-1)', source: file('latin1.md', Buffer.from('# Caf\xe9\n\nText.\n', 'latin1')), ...INPUT, names: ['not valid UTF-8'] },
  { name: 'Markdown: a name with nothing to slug', source: file('___.md', '# A\n\nText.\n'), ...INPUT, names: ['no letters or digits'] },
  { name: 'Markdown: a body over 1 MiB', source: file('big-section.md', `# Big\n\n${'z'.repeat(PlanLimits.maxBodyBytes + 1)}\n`), ...INVALID, names: [/big-section\.md:1: must be at most/] },
  // Paths.
  { name: 'path: missing', source: join(dir, 'missing.md'), ...INPUT, names: ['no such file or directory'] },
  { name: 'path: an unknown extension', source: file('rows.csv', 'address,title,body\n'), ...INPUT, names: ['unknown file type'] },
  { name: 'path: a folder with no sources', source: join(dir, 'folder-without-sources'), ...INPUT, names: ['holds no plan sources'] },
  { name: 'path: a folder holding an empty .md', source: join(dir, 'folder-with-empty'), ...INVALID, names: [join(dir, 'folder-with-empty', 'b-empty.md'), 'yields no IU'] },
  { name: 'path: a dangling symlink', source: join(dir, 'dangling.md'), ...INPUT, names: ['no such file or directory'] },
  { name: 'path: a symlink loop', source: join(dir, 'loop.md'), ...INPUT, names: ['too many levels of symbolic links'] },
  { name: 'path: 600 MB (was "not valid UTF-8")', source: join(dir, 'huge.json'), ...INPUT, names: ['is 600 MiB, larger than the limit of 256 MiB', 'FileLimits.maxSourceFileBytes'] },
];

/** `cutter run` reads a plan file (from `cutter plan --out`) itself, before it opens anything. */
const pinned = { format: 'cutter-plan/2', planHash: '0'.repeat(64), rows: [{ ...row('a/b'), contentHash: contentHashOf('Title', 'Body.'), action: 'new' }] };
const runCases: CorpusCase[] = [
  { name: 'run: a .json that is not JSON (was a raw JSON.parse)', args: ['run', file('run-garbage.json', '{bad')], ...INVALID, names: [join(dir, 'run-garbage.json'), 'not valid JSON'] },
  { name: 'run: a missing plan file (was E_UNEXPECTED ENOENT)', args: ['run', join(dir, 'run-missing.json')], ...INPUT, names: [join(dir, 'run-missing.json'), 'no such file'] },
  { name: 'run: [] as the plan', args: ['run', file('run-empty.json', '[]')], ...INVALID, names: [join(dir, 'run-empty.json'), 'holds no rows'] },
  { name: 'run: a plan file whose rows no longer hash to its plan hash (was exit 4 and a refused run)', args: ['run', file('run-pin.json', json(pinned))], exit: ExitCode.InvalidInput, code: 'E_PLAN_PIN_MISMATCH', names: [`plan hash mismatch in ${join(dir, 'run-pin.json')}: pinned ${'0'.repeat(64)}`] },
  { name: 'run: a plan file without a plan hash', args: ['run', file('run-no-hash.json', json({ ...pinned, planHash: undefined }))], ...INPUT, names: ['planHash', join(dir, 'run-no-hash.json')] },
  { name: 'run: a plan file with a bad row', args: ['run', file('run-bad-row.json', json({ ...pinned, rows: [{ ...pinned.rows[0], body: 'changed' }] }))], ...INVALID, names: [join(dir, 'run-bad-row.json'), 'row 0 · contentHash'] },
  { name: 'run: a plan file with "rows" twice', args: ['run', file('run-dup.json', `{"format":"cutter-plan/2","planHash":"${'0'.repeat(64)}","rows":[],"rows":[]}`)], ...INVALID, names: [join(dir, 'run-dup.json'), 'appears twice'] },
  { name: 'run: a plan file that is a folder', args: ['run', join(dir, 'folder.json')], ...INPUT, names: [join(dir, 'folder.json'), 'is a folder, not a regular file'] },
  { name: 'run: --mode that is no mode', args: ['run', file('run-mode.md', '# A\n\nText.\n'), '--mode', 'yolo'], ...INPUT, names: ['mode', 'dryrun or live'] },
];

beforeAll(async () => {
  await mkdir(dir, { recursive: true });
  for (const [name, content] of files) await writeFile(join(dir, name), content);
  await mkdir(join(dir, 'folder-without-sources'));
  await writeFile(join(dir, 'folder-without-sources', 'notes.txt'), 'no plan here');
  await mkdir(join(dir, 'folder-with-empty'));
  await writeFile(join(dir, 'folder-with-empty', 'a-fine.md'), '# Fine\n\nText.\n');
  await writeFile(join(dir, 'folder-with-empty', 'b-empty.md'), '');
  await mkdir(join(dir, 'folder.json'));
  await symlink(join(dir, 'nowhere.md'), join(dir, 'dangling.md'));
  await symlink(join(dir, 'loop.md'), join(dir, 'loop.md'));
  // Sparse: 600 MB claimed, nothing stored; refused by its size before a byte is read.
  await writeFile(join(dir, 'huge.json'), '');
  await truncate(join(dir, 'huge.json'), 600 * 1024 * 1024);
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

const nothingWritten = () => listing(dir);

describe('bad plan sources given to cutter plan are refused up front, naming the file (no target opened)', () => {
  it.each(planCases)('$name', async (c) => {
    await expectCase({ ...c, args: ['plan', c.source, '--data-dir', never], names: [c.source, ...c.names] }, nothingWritten);
  });

  it('the size limit sits below what V8 can hold as a string, so a file refused is refused as too large', () => {
    // 2^29 - 24 UTF-16 units is V8's longest string on 64-bit; a source at the limit must still decode.
    if (FileLimits.maxSourceFileBytes >= 2 ** 29 - 24) throw new Error('FileLimits.maxSourceFileBytes is too large to decode');
  });
});

describe('bad plan files given to cutter run are refused before any target is opened, naming the file', () => {
  it.each(runCases)('$name', async (c) => {
    await expectCase({ ...c, args: [...c.args, '--data-dir', never] }, nothingWritten);
  });
});
