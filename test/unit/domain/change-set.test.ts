import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalRows, contentDigestOf, pinChangeSet, planHashOf, planRowsInHashOrder } from '../../../src/domain/change-set.js';
import { validateCutplan } from '../../../src/domain/cutplan.js';
import { hashCanonical } from '../../../src/domain/hashing.js';
import { contentHashOf } from '../../../src/domain/iu.js';
import { InvalidInput } from '../../../src/errors/index.js';
import { parseRowsJson } from '../../../src/planning/index.js';

const rows = [
  { address: 'handbook/a', title: 'A', body: 'Alpha body.' },
  { address: 'handbook/b', title: 'B', body: 'Beta body.' },
  { address: 'handbook/c', title: 'C', body: 'Gamma body.' },
];

describe('planHash', () => {
  it('hashed a row at a time, is the sha256 of the canonical JSON of all the canonical rows at once', () => {
    const tricky = validateCutplan([
      ...rows,
      { address: 'handbook/d', title: 'Quote " and \\ backslash', body: 'Tab\there, newline\nthere, emoji 🚀, Ünïcödé, \u2028.' },
    ]);
    expect(planHashOf(tricky)).toBe(hashCanonical(canonicalRows(tricky.rows)));
  });

  it('streamed row by row, visits every row once in address order with its plan index, and returns the same hash', () => {
    const plan = validateCutplan([rows[2], rows[0], rows[1]]);
    const walk = planRowsInHashOrder(plan);
    const seen: [string, number][] = [];
    let next = walk.next();
    for (; next.done !== true; next = walk.next()) seen.push([next.value.row.address, next.value.ord]);
    expect(seen).toEqual([['handbook/a', 1], ['handbook/b', 2], ['handbook/c', 0]]);
    expect(next.value).toBe(hashCanonical(canonicalRows(plan.rows)));
    expect(planHashOf(plan)).toBe(next.value);
  });

  it('is not cached for a plan that can still change', () => {
    const mutable = { rows: [...validateCutplan(rows).rows] };
    const before = planHashOf(mutable);
    mutable.rows.pop();
    expect(planHashOf(mutable)).not.toBe(before);
    expect(planHashOf(mutable)).toBe(hashCanonical(canonicalRows(mutable.rows)));
  });

  it('does not change when rows are reordered', () => {
    expect(planHashOf(validateCutplan([...rows].reverse()))).toBe(planHashOf(validateCutplan(rows)));
  });

  it('does not change with JSON formatting or key order', () => {
    const compact = JSON.stringify(rows);
    const pretty = `[\n${rows.map((r) => `  {"body": ${JSON.stringify(r.body)},\n   "title": ${JSON.stringify(r.title)}, "address": ${JSON.stringify(r.address)}}`).join(',\n')}\n]\n`;
    expect(planHashOf(validateCutplan(parseRowsJson(pretty)))).toBe(planHashOf(validateCutplan(parseRowsJson(compact))));
  });

  it.each([
    ['a title', { title: 'A.' }],
    ['a body by one character', { body: 'Alpha body!' }],
    ['a body by trailing whitespace', { body: 'Alpha body. ' }],
    ['an address', { address: 'handbook/a2' }],
  ])('changes when %s changes', (_, change) => {
    const changed = rows.map((r, i) => (i === 0 ? { ...r, ...change } : r));
    expect(planHashOf(validateCutplan(changed))).not.toBe(planHashOf(validateCutplan(rows)));
  });

  it('changes when a row is added or removed', () => {
    expect(planHashOf(validateCutplan(rows.slice(0, 2)))).not.toBe(planHashOf(validateCutplan(rows)));
  });
});

describe('change set', () => {
  it('is pinned per run: same content, same plan hash, different change set ids', () => {
    const plan = validateCutplan(rows);
    const a = pinChangeSet(plan, 'run-a');
    const b = pinChangeSet(plan, 'run-b');
    expect(a.planHash).toBe(b.planHash);
    expect(a.changeSetId).not.toBe(b.changeSetId);
    expect(pinChangeSet(plan, 'run-a')).toEqual(a);
    expect(a).toMatchObject({ rowCount: 3, targetFingerprint: null });
    expect(Object.isFrozen(a)).toBe(true);
  });

  it('contentHash covers title and body, so the same body under another title differs', () => {
    expect(contentHashOf('A', 'x')).not.toBe(contentHashOf('B', 'x'));
    expect(contentHashOf('A', 'x')).toBe(contentHashOf('A', 'x'));
    expect(contentHashOf('A', 'x')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('contentHash is the sha256 of the canonical JSON of { body, title }, for any text, and refuses a lone surrogate', () => {
    for (const [title, body] of [['A', 'x'], ['Quote " \\ </script>', 'Tab\t, newline\n, \u0001 \u001f \u007f, 🚀 Ünïcödé \u2028\u2029 \uFEFF'], ['é', 'e\u0301']]) {
      expect(contentHashOf(title as string, body as string)).toBe(hashCanonical({ body, title }));
    }
    // The value every stored content hash and plan hash was computed with: it must never change.
    expect(contentHashOf('Backups', 'Daily snapshots.')).toBe('ed12212aaa2c05d424084dc132a53f495fb3269b2e64da0c241a36d3d598ae04');
    expect(() => contentHashOf('A', 'x\uD800')).toThrow(InvalidInput);
    expect(() => contentHashOf('\uDC00', 'x')).toThrow(/title: must be well-formed Unicode/);
  });

  it('contentHash quotes text with nothing to escape itself, and agrees with the canonical JSON for any well-formed text', () => {
    // Its shortcut skips JSON.stringify for text without a quote, backslash or C0 control: every other character,
    // U+007F, U+2028 and astral ones included, must come out as the canonicaliser writes it.
    const unit = fc.oneof(fc.constantFrom('"', '\\', '\t', '\n', '\u0000', '\u0001', '\u001f', '\u0020', '\u007f', '\u2028', '\uFEFF', '/'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
    const text = fc.string({ unit, maxLength: 30 });
    fc.assert(fc.property(text, text, (title, body) => contentHashOf(title, body) === hashCanonical({ body, title })), { numRuns: 500 });
  });

  it('the content digest is order-independent and sensitive to any content hash', () => {
    const plan = validateCutplan(rows);
    expect(contentDigestOf([...plan.rows].reverse())).toBe(contentDigestOf(plan.rows));
    const tampered = plan.rows.map((r, i) => (i === 1 ? { ...r, contentHash: 'f'.repeat(64) } : r));
    expect(contentDigestOf(tampered)).not.toBe(contentDigestOf(plan.rows));
  });

  it('the content digest of rows that can still change is computed afresh each time, not cached', () => {
    const mutable = [...validateCutplan(rows).rows];
    const before = contentDigestOf(mutable);
    mutable.pop();
    expect(contentDigestOf(mutable)).not.toBe(before);
    expect(contentDigestOf(mutable)).toBe(contentDigestOf(validateCutplan(rows.slice(0, 2)).rows));
  });
});
