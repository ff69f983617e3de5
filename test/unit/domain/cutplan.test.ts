import { describe, it, expect } from 'vitest';
import { validateCutplan } from '../../../src/domain/cutplan.js';
import { contentHashOf } from '../../../src/domain/iu.js';
import { PlanInvalid, type PlanIssue } from '../../../src/errors/index.js';

const good = { address: 'handbook/backups', title: 'Backups', body: 'Daily snapshots.' };

function issuesOf(rows: unknown): readonly PlanIssue[] {
  try {
    validateCutplan(rows);
  } catch (error) {
    if (error instanceof PlanInvalid) return error.issues;
    throw error;
  }
  throw new Error('expected PlanInvalid');
}

/** Row index and field of each issue: what a person needs to find the fault. */
function located(rows: unknown): (readonly [number | undefined, string])[] {
  return issuesOf(rows).map((i) => [i.row, i.field] as const);
}

describe('validateCutplan accepts', () => {
  it('valid rows, computing content hashes and keeping source only when given', () => {
    const plan = validateCutplan([good, { ...good, address: 'handbook/restore', source: 'handbook:9' }]);
    const hash = contentHashOf('Backups', 'Daily snapshots.');
    expect(plan.rows).toEqual([
      { ...good, contentHash: hash },
      { ...good, address: 'handbook/restore', contentHash: hash, source: 'handbook:9' },
    ]);
    expect('source' in (plan.rows[0] ?? {})).toBe(false);
    expect(Object.isFrozen(plan)).toBe(true);
    expect(Object.isFrozen(plan.rows[0])).toBe(true);
  });

  it('a supplied contentHash that matches the content', () => {
    const contentHash = contentHashOf(good.title, good.body);
    expect(validateCutplan([{ ...good, contentHash }]).rows[0]?.contentHash).toBe(contentHash);
  });
});

describe('validateCutplan rejects', () => {
  it('non-array input as a plan-level rows issue', () => {
    expect(located({ rows: [good] })).toEqual([[undefined, 'rows']]);
    expect(located(null)).toEqual([[undefined, 'rows']]);
    expect(issuesOf('[]')[0]?.message).toBe('must be an array of rows');
  });

  it('an empty array as a plan-level rows issue', () => {
    expect(issuesOf([])).toEqual([{ row: undefined, field: 'rows', message: 'must contain at least one row' }]);
  });

  it('an empty or whitespace-only title', () => {
    expect(located([good, { ...good, address: 'handbook/x', title: '' }])).toEqual([[1, 'title']]);
    expect(located([{ ...good, title: ' \t\n' }])).toEqual([[0, 'title']]);
    expect(issuesOf([{ ...good, title: '' }])[0]?.message).toBe('must not be empty');
  });

  it('a whitespace-only body', () => {
    expect(located([good, { ...good, address: 'handbook/x' }, { ...good, address: 'handbook/y', body: '  \n\t \r\n' }])).toEqual([[2, 'body']]);
  });

  it('a NUL byte in the body or title', () => {
    expect(located([{ ...good, body: 'before\u0000after' }])).toEqual([[0, 'body']]);
    expect(issuesOf([{ ...good, body: 'a\u0000' }])[0]?.message).toContain('NUL');
    expect(located([good, { ...good, address: 'handbook/t', title: 'T\u0000' }])).toEqual([[1, 'title']]);
  });

  it.each(['Handbook/backups', 'handbook//backups', '/handbook', 'handbook/', 'hand book', '-handbook', 'handbook/ü'])(
    'the address %j as not matching the pattern',
    (address) => {
      expect(located([good, { ...good, address }])).toEqual([[1, 'address']]);
    },
  );

  it('a supplied contentHash that does not match, quoting the expected hash', () => {
    const issues = issuesOf([good, { ...good, address: 'handbook/x', contentHash: 'a'.repeat(64) }]);
    expect(issues).toEqual([
      { row: 1, field: 'contentHash', message: `does not match the title and body (expected ${contentHashOf(good.title, good.body)})` },
    ]);
  });

  it('a contentHash that is not hex sha256', () => {
    expect(located([{ ...good, contentHash: 'ABC' }])).toEqual([[0, 'contentHash']]);
  });

  it('a row that is not an object as field row; an unknown key by its own name', () => {
    expect(located([good, 'not a row'])).toEqual([[1, 'row']]);
    expect(located([{ ...good, extra: true }])).toEqual([[0, 'extra']]);
  });

  it('a duplicate address, naming the later row', () => {
    expect(issuesOf([good, { ...good, address: 'other' }, good])).toEqual([
      { row: 2, field: 'address', message: 'duplicates row 0 (handbook/backups)' },
    ]);
  });

  it('every problem at once, each with its row and field', () => {
    const rows = [{ ...good, title: '' }, good, { ...good, address: 'Bad', body: ' ' }];
    // Row 1 repeats row 0's address: reported even though row 0 has another problem.
    expect(located(rows)).toEqual([
      [0, 'title'],
      [1, 'address'],
      [2, 'address'],
      [2, 'body'],
    ]);
  });
});
