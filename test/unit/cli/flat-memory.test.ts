import { describe, expect, it } from 'vitest';
import { preferFlatMemory } from '../../../src/cli/flat-memory.js';

describe('preferFlatMemory', () => {
  const flagsSet = (execArgv: string[], nodeOptions: string) => {
    const set: string[] = [];
    preferFlatMemory(execArgv, nodeOptions, (flags) => { set.push(flags); });
    return set;
  };

  it('caps the heap growth at 50% past the live data when node was given no such flag', () => {
    expect(flagsSet([], '')).toEqual(['--heap-growing-percent=50']);
    expect(flagsSet(['--enable-source-maps'], '--max-old-space-size=512')).toEqual(['--heap-growing-percent=50']);
  });

  it("leaves an operator's own setting alone, given on node's command line or in NODE_OPTIONS, with - or _", () => {
    expect(flagsSet(['--heap-growing-percent=200'], '')).toEqual([]);
    expect(flagsSet([], '--heap_growing_percent=10')).toEqual([]);
  });
});
