import { describe, it, expect } from 'vitest';
import { validateCutplan } from '../../../src/domain/cutplan.js';
import { PlanInvalid, type PlanIssue } from '../../../src/errors/index.js';
import { parseRowsJson, parseRowsNdjson } from '../../../src/planning/index.js';

const rowA = { address: 'handbook/a', title: 'A', body: 'alpha' };
const rowB = { address: 'handbook/b', title: 'B', body: 'beta', source: 'import:2' };

function issuesOf(fn: () => unknown): readonly PlanIssue[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof PlanInvalid) return error.issues;
    throw error;
  }
  throw new Error('expected PlanInvalid');
}

describe('parseRowsJson', () => {
  it('accepts a JSON array of rows', () => {
    expect(parseRowsJson(JSON.stringify([rowA, rowB], null, 2))).toEqual([rowA, rowB]);
  });

  it('accepts an object { rows: [...] }', () => {
    expect(parseRowsJson(JSON.stringify({ rows: [rowB, rowA] }))).toEqual([rowB, rowA]);
  });

  it('accepts a leading byte-order mark', () => {
    expect(parseRowsJson(`\uFEFF${JSON.stringify([rowA])}`)).toEqual([rowA]);
  });

  it('returns rows unvalidated, leaving validation to validateCutplan', () => {
    expect(parseRowsJson('[1, "x", null]')).toEqual([1, 'x', null]);
  });

  it('turns malformed JSON into PlanInvalid, not a SyntaxError', () => {
    let caught: unknown;
    try {
      parseRowsJson('[\n  {"address": }\n]');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PlanInvalid);
    expect(caught).not.toBeInstanceOf(SyntaxError);
    const issues = (caught as PlanInvalid).issues;
    expect(issues.map((i) => [i.row, i.field])).toEqual([[undefined, 'rows']]);
    expect(issues[0]?.message).toMatch(/^not valid JSON: /);
  });

  it('names the line and column when the parser reports a position', () => {
    const issues = issuesOf(() => parseRowsJson('[\n{"a":1}\n] x'));
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toMatch(/line 3,? column 3/);
  });

  it('reports empty input as malformed JSON', () => {
    expect(issuesOf(() => parseRowsJson('')).map((i) => [i.row, i.field])).toEqual([[undefined, 'rows']]);
  });

  it.each([['42'], ['"rows"'], ['null'], ['{}'], ['{"rows": {"a": 1}}']])('rejects the shape %s naming field rows', (text) => {
    const issues = issuesOf(() => parseRowsJson(text));
    expect(issues.map((i) => [i.row, i.field])).toEqual([[undefined, 'rows']]);
    expect(issues[0]?.message).toContain('array of rows');
  });

  it('rejects other keys beside rows, naming each key', () => {
    const issues = issuesOf(() => parseRowsJson(JSON.stringify({ rows: [rowA], version: 1, rowz: [] })));
    expect(issues.map((i) => [i.row, i.field])).toEqual([
      [undefined, 'version'],
      [undefined, 'rowz'],
    ]);
  });
});

describe('parseRowsNdjson', () => {
  it('parses one row per non-empty line, skipping blank lines and accepting CRLF', () => {
    const text = `${JSON.stringify(rowA)}\r\n\r\n   \n${JSON.stringify(rowB)}\n`;
    expect(parseRowsNdjson(text)).toEqual([rowA, rowB]);
  });

  it('returns an empty list for empty input', () => {
    expect(parseRowsNdjson('\n\n')).toEqual([]);
  });

  it('names each bad line: row is its row index, field "row", message has the line number and parse error', () => {
    const text = [JSON.stringify(rowA), '{"address": "handbook/x", ', JSON.stringify(rowB), 'not json'].join('\n');
    const issues = issuesOf(() => parseRowsNdjson(text));
    expect(issues.map((i) => [i.row, i.field])).toEqual([
      [1, 'row'],
      [3, 'row'],
    ]);
    expect(issues[0]?.message).toMatch(/^line 2: not valid JSON: \S/);
    expect(issues[1]?.message).toMatch(/^line 4: not valid JSON: \S/);
  });

  it('counts rows, not lines, when blank lines precede a bad line', () => {
    const text = `${JSON.stringify(rowA)}\n\n\n{oops}\n`;
    const issues = issuesOf(() => parseRowsNdjson(text));
    expect(issues.map((i) => [i.row, i.field])).toEqual([[1, 'row']]);
    expect(issues[0]?.message).toMatch(/^line 4: /);
  });

  it('numbers rows the way validateCutplan does, so its issues point at the same rows', () => {
    const text = `${JSON.stringify(rowA)}\n\n${JSON.stringify({ ...rowB, title: '' })}\n`;
    const issues = issuesOf(() => validateCutplan(parseRowsNdjson(text)));
    expect(issues.map((i) => [i.row, i.field])).toEqual([[1, 'title']]);
  });
});
