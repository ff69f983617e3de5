/**
 * Sources read a line at a time (readInputLines, sourceRows): the text comes back exactly, however the reads fall,
 * and bad files are refused naming the file and line, as the whole-file readers did.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileLimits } from '../../../src/domain/limits.js';
import { InvalidInput, PlanInvalid } from '../../../src/errors/index.js';
import { readInputLines } from '../../../src/files/read-input-lines.js';
import { loadPlanSources } from '../../../src/planning/index.js';
import { reopenableSourceRows, sourceRows, type SourceRow } from '../../../src/planning/source-rows.js';

let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'cutter-source-rows-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

const RULE = { field: 'paths', maxBytes: 1 << 30, limitName: 'test limit', maxLineChars: 1 << 20, lineLimitName: 'test line limit' };

async function lines(path: string, rule = RULE): Promise<string[]> {
  const out: string[] = [];
  for await (const line of readInputLines(path, rule)) out.push(line);
  return out;
}

async function refusal(promise: Promise<unknown>): Promise<Error> {
  try { await promise; } catch (error) { return error as Error; }
  throw new Error('expected a refusal');
}

async function rowsOf(path: string, kind: 'markdown' | 'ndjson'): Promise<SourceRow[]> {
  const out: SourceRow[] = [];
  for await (const row of sourceRows({ path, kind }, 0)) out.push(row);
  return out;
}

describe('readInputLines', () => {
  it('gives back the exact text, line breaks and \\r included, with a character split across two reads', async () => {
    // 256 KiB reads: put a 4-byte emoji across the first boundary, and a BOM at the start (dropped, as decoding drops it).
    const text = `${'a'.repeat(256 * 1024 - 2)}😀\r\nsecond\rline\n\nlast without break`;
    const path = join(dir, 'exact.txt');
    await writeFile(path, `\uFEFF${text}`);
    const read = await lines(path);
    expect(read.join('')).toBe(text);
    expect(read.slice(1)).toEqual(['second\rline\n', '\n', 'last without break']);
  });

  it('refuses bytes that are not UTF-8 beyond the first read, naming the file', async () => {
    const path = join(dir, 'late-latin1.txt');
    await writeFile(path, Buffer.concat([Buffer.from('x\n'.repeat(300_000)), Buffer.from('caf\xe9\n', 'latin1')]));
    const error = await refusal(lines(path));
    expect(error).toBeInstanceOf(InvalidInput);
    expect(error.message).toContain(`${path}: not valid UTF-8`);
  });

  it('refuses a line longer than the line limit, naming the file, its line and the limit', async () => {
    const path = join(dir, 'long-line.txt');
    await writeFile(path, `short\n${'y'.repeat(2000)}\n`);
    const error = await refusal(lines(path, { ...RULE, maxLineChars: 1000 }));
    expect(error.message).toContain(`${path}:2: a line longer than 1000 characters (test line limit)`);
  });

  it('refuses a file over its size limit, and a folder, before reading', async () => {
    const path = join(dir, 'big.txt');
    await writeFile(path, 'z'.repeat(100));
    expect((await refusal(lines(path, { ...RULE, maxBytes: 99 }))).message).toContain('larger than the limit of 99 bytes (test limit)');
    expect((await refusal(lines(dir))).message).toContain('is a folder, not a regular file');
  });
});

describe('sourceRows', () => {
  it('numbers NDJSON rows past blank and CRLF lines, and names the file and line of every bad line at the end', async () => {
    const path = join(dir, 'rows.ndjson');
    await writeFile(path, '{"address":"a/b","title":"T","body":"x"}\r\n\n{bad\r\n{"address":"a/c","title":"T","body":"y","body":"z"}\n');
    const error = await refusal(rowsOf(path, 'ndjson'));
    if (!(error instanceof PlanInvalid)) throw error;
    const issues = error.issues;
    expect(issues[0]?.message.startsWith(`${path}: line 3: not valid JSON`)).toBe(true);
    expect(issues.map((i) => ({ ...i, message: i.row === 1 ? '' : i.message }))).toEqual([
      { row: 1, field: 'row', message: '' },
      { row: 2, field: 'body', message: `${path}: line 4: the key "body" appears twice in one object; JSON keeps only the last, so remove or rename one` },
    ]);
  });

  it('gives each NDJSON row its origin, file and row', async () => {
    const path = join(dir, 'ok.jsonl');
    await writeFile(path, '\n{"address":"a/b","title":"T","body":"x"}\n{"address":"a/c","title":"T","body":"y"}');
    expect(await rowsOf(path, 'ndjson')).toEqual([
      { raw: { address: 'a/b', title: 'T', body: 'x' }, origin: `${path} row 0` },
      { raw: { address: 'a/c', title: 'T', body: 'y' }, origin: `${path} row 1` },
    ]);
  });

  it('a second reading parses only the NDJSON rows asked for: a bad line never read is not refused', async () => {
    const path = join(dir, 'twice.ndjson');
    await writeFile(path, '{"address":"a/b","title":"T","body":"x"}\n{bad\n{"address":"a/c","title":"T","body":"y"}\n');
    const sources = reopenableSourceRows([{ path, kind: 'ndjson' }]);
    const first: unknown[] = [];
    await expect((async () => { for await (const row of sources()) first.push(row.raw); })()).rejects.toBeInstanceOf(PlanInvalid);
    expect(first).toHaveLength(3);
    const read: unknown[] = [];
    for await (const row of sources()) if (row.origin.endsWith('row 2')) read.push(row.raw);
    expect(read).toEqual([{ address: 'a/c', title: 'T', body: 'y' }]);
  });

  it('refuses a NUL in Markdown beyond the first part, naming its line', async () => {
    // A preamble longer than a part (1 MiB), so the NUL is met after the first part was parsed.
    const preamble = `${'Some words before any heading.\n'.repeat(40_000)}\n`;
    const path = join(dir, 'late-nul.md');
    await writeFile(path, `${preamble}# Good\n\nText.\n# Bad\n\nbad\u0000text\n`);
    const error = await refusal(rowsOf(path, 'markdown'));
    expect(error).toBeInstanceOf(InvalidInput);
    expect(error.message).toContain(`paths: ${path}:${40_000 + 7}: contains a NUL character (U+0000), which Markdown would turn into U+FFFD: remove it`);
  }, 60_000); // parses a 1.2 MB part: a few seconds on a busy 2-core machine

  it('cuts a Markdown file into the rows of the whole file, each with its file and line', async () => {
    const markdown = Array.from({ length: 2_000 }, (_, i) => `## Part ${i}\n\nText ${i}.\n`).join('\n');
    const path = join(dir, 'Long Doc.md');
    await writeFile(path, markdown);
    const rows = await rowsOf(path, 'markdown');
    expect(rows).toHaveLength(2_000);
    expect(rows[1_999]).toEqual({
      raw: { address: 'long-doc/part-1999', title: 'Part 1999', body: 'Text 1999.', source: `long-doc:${1_999 * 4 + 1}` },
      origin: `${path}:${1_999 * 4 + 1}`,
    });
  }, 60_000);
});

describe('streamed sources have their own size limit', () => {
  it('NDJSON and Markdown may exceed the whole-file limit, line by line; .json may not', () => {
    expect(FileLimits.maxStreamedSourceFileBytes).toBeGreaterThan(FileLimits.maxSourceFileBytes);
    expect(FileLimits.maxSourceLineChars).toBeLessThan(FileLimits.maxSourceFileBytes);
  });

  it('a line over FileLimits.maxSourceLineChars in an NDJSON source is refused naming the limit', async () => {
    const path = join(dir, 'huge-line.ndjson');
    await writeFile(path, `{"address":"a/b","title":"T","body":"${'w'.repeat(FileLimits.maxSourceLineChars + 10)}"}\n`);
    const error = await refusal(loadPlanSources([path]));
    expect(error.message).toContain(`${path}:1: a line longer than ${FileLimits.maxSourceLineChars} characters (FileLimits.maxSourceLineChars)`);
  }, 60_000); // writes and reads a line past the limit: 3.4-4.1 s in CI on a 2-core VM, 5.1 s with a fourth worker
});
