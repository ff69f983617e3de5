import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SegmentSet } from '../../../src/planning/segment-set.js';

describe('SegmentSet', () => {
  it('answers as a Set<string> does for any strings, through every growth of its table and buffer', () => {
    fc.assert(fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 12 }), { maxLength: 300 }), (values) => {
      const compact = new SegmentSet();
      const reference = new Set<string>();
      for (const value of values) {
        expect(compact.has(value)).toBe(reference.has(value));
        expect(compact.add(value)).toBe(!reference.has(value));
        reference.add(value);
      }
      expect(compact.size).toBe(reference.size);
      for (const value of values) expect(compact.has(`${value}-2`)).toBe(reference.has(`${value}-2`));
    }));
  });

  it('tells apart 200,000 near-identical segments and their prefixes', () => {
    const compact = new SegmentSet();
    for (let index = 0; index < 200_000; index++) expect(compact.add(`heading-${index}`)).toBe(true);
    expect(compact.size).toBe(200_000);
    expect(compact.add('heading-199999')).toBe(false);
    expect(compact.has('heading-200000')).toBe(false);
    expect(compact.has('heading-')).toBe(false);
    expect(compact.has('')).toBe(false);
    expect(compact.add('')).toBe(true);
    expect(compact.has('')).toBe(true);
  });

  it('compares bytes, not only hashes: UTF-8 of any plane, and strings that differ in one code unit', () => {
    const compact = new SegmentSet();
    for (const value of ['é', 'e\u0301', '日本', '🙂', 'a\u0000b', 'a\u0000c']) expect(compact.add(value)).toBe(true);
    for (const value of ['é', 'e\u0301', '日本', '🙂', 'a\u0000b', 'a\u0000c']) expect(compact.add(value)).toBe(false);
    expect(compact.has('日')).toBe(false);
  });
});
