import { describe, expect, it } from 'vitest';
import { createProgressPrinter, formatProgress } from '../../../src/cli/progress-printer.js';

function sink(interactive: boolean) {
  const writes: string[] = [];
  return { interactive, writes, write: (text: string) => { writes.push(text); } };
}

describe('phase progress', () => {
  it('formats rows done out of total, the percentage and the rate', () => {
    expect(formatProgress({ phase: 'cutLegA', done: 45_000, total: 100_000, finished: false }, 1_500)).toBe('cutLegA 45,000/100,000 rows (45%) · 30,000 rows/s');
    expect(formatProgress({ phase: 'lifecycleEnact', done: 0, total: 0, finished: true }, 0)).toBe('lifecycleEnact 0/0 rows (100%) · 0 rows/s');
  });

  it('off a terminal, prints at most one line per interval, and always the finishing one', () => {
    let clock = 0;
    const out = sink(false);
    const print = createProgressPrinter(out, { now: () => clock, intervalMs: 2_000 });
    print({ phase: 'cutLegA', done: 1_000, total: 4_000, finished: false });
    clock = 500;
    print({ phase: 'cutLegA', done: 2_000, total: 4_000, finished: false });
    clock = 2_100;
    print({ phase: 'cutLegA', done: 3_000, total: 4_000, finished: false });
    clock = 2_200;
    print({ phase: 'cutLegA', done: 4_000, total: 4_000, finished: true });
    expect(out.writes).toEqual([
      '  cutLegA 1,000/4,000 rows (25%) · 0 rows/s\n',
      '  cutLegA 3,000/4,000 rows (75%) · 1,429 rows/s\n',
      '  cutLegA 4,000/4,000 rows (100%) · 1,818 rows/s\n',
    ]);
  });

  it('on a terminal, redraws one line and ends it when the phase is done; a new phase restarts the rate', () => {
    let clock = 0;
    const out = sink(true);
    const print = createProgressPrinter(out, { now: () => clock });
    print({ phase: 'cutLegA', done: 500, total: 1_000, finished: false });
    clock = 1_000;
    print({ phase: 'cutLegA', done: 1_000, total: 1_000, finished: true });
    clock = 5_000;
    print({ phase: 'lifecycleEnact', done: 1_000, total: 2_000, finished: false });
    expect(out.writes[0]).toBe('\r\u001b[2K  cutLegA 500/1,000 rows (50%) · 0 rows/s');
    expect(out.writes[1]).toBe('\r\u001b[2K  cutLegA 1,000/1,000 rows (100%) · 1,000 rows/s\n');
    expect(out.writes[2]).toBe('\r\u001b[2K  lifecycleEnact 1,000/2,000 rows (50%) · 0 rows/s');
  });

  it('says nothing of a phase too short to read a line about', () => {
    const out = sink(false);
    const print = createProgressPrinter(out, { now: () => 0, minRows: 1_000 });
    print({ phase: 'cutLegA', done: 999, total: 999, finished: false });
    expect(out.writes).toEqual([]);
    print({ phase: 'cutLegA', done: 1_000, total: 1_000, finished: true });
    expect(out.writes).toHaveLength(1);
  });

  it('all rows staged is not the end: the finishing report is, and it is printed once', () => {
    let clock = 0;
    const out = sink(false);
    const print = createProgressPrinter(out, { now: () => clock, intervalMs: 2_000 });
    print({ phase: 'lifecycleEnact', done: 5_000, total: 10_000, finished: false });
    clock = 100;
    print({ phase: 'lifecycleEnact', done: 10_000, total: 10_000, finished: false });
    clock = 1_000;
    print({ phase: 'lifecycleEnact', done: 10_000, total: 10_000, finished: true });
    expect(out.writes).toEqual(['  lifecycleEnact 5,000/10,000 rows (50%) · 0 rows/s\n', '  lifecycleEnact 10,000/10,000 rows (100%) · 10,000 rows/s\n']);
  });
});
