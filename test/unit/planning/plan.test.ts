import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import { contentHashOf } from '../../../src/domain/iu.js';
import { PlanLimits } from '../../../src/domain/limits.js';
import { InvalidInput, PlanInvalid, type PlanIssue } from '../../../src/errors/index.js';
import { loadPlanSources, planFromMarkdown, planFromRows } from '../../../src/planning/index.js';

const examplesDir = fileURLToPath(new URL('../../../examples/docs', import.meta.url));

function issuesOf(fn: () => unknown): readonly PlanIssue[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof PlanInvalid) return error.issues;
    throw error;
  }
  throw new Error('expected PlanInvalid');
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('planFromMarkdown', () => {
  it('cuts and validates every document, computing content hashes', () => {
    const plan = planFromMarkdown([
      { documentId: 'handbook', markdown: '# Backups\nDaily.\n' },
      { documentId: 'policy', markdown: '# Access\nQuarterly.\n' },
    ]);
    expect(plan.rows).toEqual([
      { address: 'handbook/backups', title: 'Backups', body: 'Daily.', contentHash: contentHashOf('Backups', 'Daily.'), source: 'handbook:1' },
      { address: 'policy/access', title: 'Access', body: 'Quarterly.', contentHash: contentHashOf('Access', 'Quarterly.'), source: 'policy:1' },
    ]);
    expect(Object.isFrozen(plan.rows)).toBe(true);
  });

  it('rejects an address produced by two documents, naming the later row and field address', () => {
    const issues = issuesOf(() =>
      planFromMarkdown([
        { documentId: 'handbook', markdown: '# Backups\nIntro.\n## Retention\n35 days.\n' },
        { documentId: 'handbook/backups', markdown: '# Retention\n90 days.\n' },
      ]),
    );
    expect(issues).toEqual([{ row: 2, field: 'address', message: 'duplicates row 1 (handbook/backups/retention)' }]);
  });

  it('rejects a body over 1 MiB of UTF-8, naming the row and field body', () => {
    // 'é' is two bytes: this body is under the limit in characters but over it in bytes.
    const big = 'é'.repeat(PlanLimits.maxBodyBytes / 2 + 1);
    const issues = issuesOf(() => planFromMarkdown([{ documentId: 'doc', markdown: `# Small\nok\n# Big\n${big}\n` }]));
    expect(issues.map((i) => [i.row, i.field])).toEqual([[1, 'body']]);
    expect(issues[0]?.message).toContain('1 MiB');
  });

  it('accepts a body of exactly 1 MiB', () => {
    const plan = planFromMarkdown([{ documentId: 'doc', markdown: `# Big\n${'a'.repeat(PlanLimits.maxBodyBytes)}\n` }]);
    expect(plan.rows[0]?.body.length).toBe(PlanLimits.maxBodyBytes);
  });

  it('rejects documents that yield no rows', () => {
    const issues = issuesOf(() => planFromMarkdown([{ documentId: 'doc', markdown: 'no headings here' }]));
    expect(issues.map((i) => [i.row, i.field])).toEqual([[undefined, 'rows']]);
  });

  it('reports an empty heading with a body as an empty title on that row', () => {
    const issues = issuesOf(() => planFromMarkdown([{ documentId: 'doc', markdown: '# Fine\nx\n#\nbody under an empty heading\n' }]));
    expect(issues.map((i) => [i.row, i.field])).toEqual([[1, 'title']]);
  });
});

describe('planFromRows', () => {
  it('validates rows into a plan', () => {
    const plan = planFromRows([{ address: 'a/b', title: 'T', body: 'B' }]);
    expect(plan.rows).toEqual([{ address: 'a/b', title: 'T', body: 'B', contentHash: contentHashOf('T', 'B') }]);
  });

  it('rejects an oversize body naming the row and field body', () => {
    const rows = [
      { address: 'a/ok', title: 'T', body: 'B' },
      { address: 'a/big', title: 'T', body: 'x'.repeat(PlanLimits.maxBodyBytes + 1) },
    ];
    expect(issuesOf(() => planFromRows(rows)).map((i) => [i.row, i.field])).toEqual([[1, 'body']]);
  });
});

describe('loadPlanSources', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cutter-plan-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a directory: Markdown, JSON and NDJSON files in name order, ignoring other files and sub-directories', async () => {
    await writeFile(join(dir, 'b-rows.json'), JSON.stringify({ rows: [{ address: 'imported/json', title: 'J', body: 'from json' }] }));
    await writeFile(join(dir, 'Access Policy.md'), '# Reviews\nQuarterly.\n');
    await writeFile(join(dir, 'c.ndjson'), `${JSON.stringify({ address: 'imported/ndjson', title: 'N', body: 'from ndjson' })}\n`);
    await writeFile(join(dir, 'd.jsonl'), `${JSON.stringify({ address: 'imported/jsonl', title: 'L', body: 'from jsonl' })}\n`);
    await writeFile(join(dir, 'e.MARKDOWN'), 'Title\n=====\nSetext.\n');
    await writeFile(join(dir, 'notes.txt'), 'ignored');
    await mkdir(join(dir, 'nested'));
    await writeFile(join(dir, 'nested', 'inner.md'), '# Inner\nnot read\n');

    const plan = await loadPlanSources([dir]);
    expect(plan.rows.map((r) => [r.address, r.body])).toEqual([
      ['access-policy/reviews', 'Quarterly.'],
      ['imported/json', 'from json'],
      ['imported/ndjson', 'from ndjson'],
      ['imported/jsonl', 'from jsonl'],
      ['e/title', 'Setext.'],
    ]);
  });

  it('reads individual files in the order given', async () => {
    await writeFile(join(dir, 'one.md'), '# One\n1\n');
    await writeFile(join(dir, 'two.json'), JSON.stringify([{ address: 'two/x', title: 'X', body: '2' }]));
    const plan = await loadPlanSources([join(dir, 'two.json'), join(dir, 'one.md')]);
    expect(plan.rows.map((r) => r.address)).toEqual(['two/x', 'one/one']);
  });

  it('rejects a file with an unknown extension, naming the path', async () => {
    const path = join(dir, 'rows.csv');
    await writeFile(path, 'address,title,body\n');
    const error = await rejection(loadPlanSources([path]));
    expect(error).toBeInstanceOf(InvalidInput);
    expect((error as InvalidInput).field).toBe('paths');
    expect((error as InvalidInput).message).toContain(path);
    expect((error as InvalidInput).message).toContain('.md');
  });

  it('rejects a missing path, naming it', async () => {
    const path = join(dir, 'missing.md');
    const error = await rejection(loadPlanSources([path]));
    expect(error).toBeInstanceOf(InvalidInput);
    expect((error as InvalidInput).message).toContain(`${path}: no such file or directory`);
  });

  it('rejects a directory with no plan sources', async () => {
    await writeFile(join(dir, 'readme.txt'), 'nothing to plan');
    const error = await rejection(loadPlanSources([dir]));
    expect(error).toBeInstanceOf(InvalidInput);
    expect((error as InvalidInput).message).toContain(dir);
  });

  it('rejects a file that is not valid UTF-8', async () => {
    const path = join(dir, 'latin1.md');
    await writeFile(path, Buffer.from([0x23, 0x20, 0x41, 0x0a, 0xe9, 0x0a]));
    const error = await rejection(loadPlanSources([path]));
    expect(error).toBeInstanceOf(InvalidInput);
    expect((error as InvalidInput).message).toContain(`${path}: not valid UTF-8`);
  });

  it('numbers a bad NDJSON line across all sources and names the file', async () => {
    await writeFile(join(dir, 'a.md'), '# One\n1\n# Two\n2\n');
    const ndjson = join(dir, 'b.ndjson');
    await writeFile(ndjson, `${JSON.stringify({ address: 'x/y', title: 'T', body: 'B' })}\n{broken\n`);
    const error = await rejection(loadPlanSources([dir]));
    expect(error).toBeInstanceOf(PlanInvalid);
    const issues = (error as PlanInvalid).issues;
    expect(issues.map((i) => [i.row, i.field])).toEqual([[3, 'row']]);
    expect(issues[0]?.message).toMatch(new RegExp(`^${escapeRegExp(ndjson)}: line 2: not valid JSON`));
  });

  it('validates all sources together: a duplicate address across files names the row, field and origin', async () => {
    await writeFile(join(dir, 'handbook.md'), '# Backups\n\nDaily.\n');
    const json = join(dir, 'z.json');
    await writeFile(json, JSON.stringify([{ address: 'handbook/backups', title: 'Backups', body: 'Hourly.' }]));
    const error = await rejection(loadPlanSources([dir]));
    expect(error).toBeInstanceOf(PlanInvalid);
    expect((error as PlanInvalid).issues).toEqual([
      { row: 1, field: 'address', message: `${json} row 0: duplicates row 0 (handbook/backups)` },
    ]);
  });

  it('prefixes Markdown row issues with the file and heading line', async () => {
    const path = join(dir, 'doc.md');
    await writeFile(path, `# Fine\nok\n\n# Big\n${'a'.repeat(PlanLimits.maxBodyBytes + 1)}\n`);
    const error = await rejection(loadPlanSources([path]));
    expect(error).toBeInstanceOf(PlanInvalid);
    const issues = (error as PlanInvalid).issues;
    expect(issues.map((i) => [i.row, i.field])).toEqual([[1, 'body']]);
    expect(issues[0]?.message).toMatch(new RegExp(`^${escapeRegExp(path)}:4: must be at most`));
  });

  it('plans the example documents without error', async () => {
    const names = (await readdir(examplesDir)).filter((n) => n.endsWith('.md')).sort();
    expect(names.length).toBeGreaterThanOrEqual(2);

    const plan = await loadPlanSources([examplesDir]);
    expect(plan.rows.length).toBeGreaterThan(10);
    const addresses = plan.rows.map((r) => r.address);
    expect(addresses).toContain('handbook/backups/retention');
    expect(new Set(addresses).size).toBe(addresses.length);
    // Every example document contributes rows under its own id.
    for (const name of names) expect(addresses.some((a) => a.startsWith(`${name.slice(0, -3)}/`))).toBe(true);
    // The shell comment in the handbook's code block stays in the body instead of becoming a section.
    const drill = plan.rows.find((r) => r.address === 'handbook/backups/restore-testing/monthly-drill');
    expect(drill?.body).toContain('\n# Restore the most recent snapshot');
    expect(addresses.some((a) => a.includes('restore-the-most-recent-snapshot'))).toBe(false);

    const fromFiles = await loadPlanSources(names.map((n) => join(examplesDir, n)));
    expect(fromFiles.rows).toEqual(plan.rows);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
