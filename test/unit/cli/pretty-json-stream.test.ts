/** prettyJsonPieces writes, a piece at a time, exactly the text JSON.stringify(value, null, 2) writes whole. */
import { describe, expect, it } from 'vitest';
import { asFileChunks, prettyJsonPieces } from '../../../src/cli/pretty-json-stream.js';

async function* items<T>(values: readonly T[]): AsyncGenerator<T> {
  for (const value of values) yield await Promise.resolve(value);
}

async function joined(pieces: AsyncIterable<string>): Promise<string> {
  const out: string[] = [];
  for await (const piece of pieces) out.push(piece);
  return out.join('\n');
}

const ROWS = [
  { address: 'a/b', title: 'T', body: 'line one\nline "two"\t\\ é 😀', contentHash: 'h', action: 'new' },
  { address: 'a/c', title: 'U', body: '', nested: { list: [1, 2], empty: [] } },
  'a string item',
];

describe('prettyJsonPieces', () => {
  it.each([
    ['no items', [], {}],
    ['one item', ROWS.slice(0, 1), {}],
    ['several items, with keys after the array', ROWS, { diffs: ['x\ny'], out: null }],
  ] as const)('%s', async (_name, rows, tail) => {
    const head = { format: 'cutter-plan/2', planHash: 'abc', counts: { new: 1 } };
    expect(await joined(prettyJsonPieces(head, 'rows', items(rows), tail))).toBe(JSON.stringify({ ...head, rows, ...tail }, null, 2));
  });

  it('as file chunks: the same text with a newline at the end', async () => {
    let text = '';
    for await (const chunk of asFileChunks(prettyJsonPieces({ planHash: 'p' }, 'rows', items(ROWS)))) text += chunk;
    expect(text).toBe(`${JSON.stringify({ planHash: 'p', rows: ROWS }, null, 2)}\n`);
  });
});
