import { describe, expect, it } from 'vitest';
import { createProgressPrinter, formatProgress, formatStart } from '../../../src/cli/progress-printer.js';

function sink(interactive: boolean) {
  const writes: string[] = [];
  return { interactive, writes, write: (text: string) => { writes.push(text); } };
}

describe('phase progress', () => {
  it('formats rows done out of total, the percentage and the rate; a finished phase says how long it took', () => {
    expect(formatProgress({ phase: 'cutLegA', done: 45_000, total: 100_000, finished: false }, 1_500)).toBe('cutLegA 45,000/100,000 rows (45%) · 30,000 rows/s');
    expect(formatProgress({ phase: 'cutLegA', done: 100_000, total: 100_000, finished: true }, 3_200)).toBe('cutLegA 100,000/100,000 rows (100%) in 3.2 s · 31,250 rows/s');
    expect(formatProgress({ phase: 'lifecycleEnact', done: 0, total: 0, finished: true }, 0)).toBe('lifecycleEnact 0/0 rows (100%) · 0 rows/s');
    // One row is one row, in the progress line and the start line alike.
    expect(formatProgress({ phase: 'cutLegA', done: 1, total: 1, finished: true }, 0)).toBe('cutLegA 1/1 row (100%) · 0 rows/s');
    expect(formatStart({ phase: 'cutLegA', done: 0, total: 1, finished: false })).toBe('cutLegA writing 1 row…');
  });

  it('the rate runs from the start report, so one statement over every row still gets its real rate', () => {
    // The cut from a pin used to report once, at the end: "100,000/100,000 rows (100%) · 0 rows/s".
    let clock = 0;
    const out = sink(false);
    const print = createProgressPrinter(out, { now: () => clock });
    print({ phase: 'cutLegA', done: 0, total: 100_000, finished: false });
    clock = 4_000;
    print({ phase: 'cutLegA', done: 100_000, total: 100_000, finished: true });
    expect(out.writes).toEqual(['  cutLegA writing 100,000 rows…\n', '  cutLegA 100,000/100,000 rows (100%) in 4.0 s · 25,000 rows/s\n']);
  });

  it('off a terminal, prints at the start, at each further 10%, whenever the interval passed, and the finishing line', () => {
    // A 3.3 s enactment of 100 chunks used to print only its 1% and 100% lines.
    let clock = 0;
    const out = sink(false);
    const print = createProgressPrinter(out, { now: () => clock, intervalMs: 2_000 });
    print({ phase: 'lifecycleEnact', done: 0, total: 100_000, finished: false });
    for (let chunk = 1; chunk <= 100; chunk += 1) {
      clock = chunk * 33;
      print({ phase: 'lifecycleEnact', done: chunk * 1_000, total: 100_000, finished: false });
    }
    clock = 3_300;
    print({ phase: 'lifecycleEnact', done: 100_000, total: 100_000, finished: true });
    expect(out.writes[0]).toBe('  lifecycleEnact enacting 100,000 rows…\n');
    expect(out.writes.slice(1, -1).map((line) => /\((\d+)%\)/.exec(line)?.[1])).toEqual(['10', '20', '30', '40', '50', '60', '70', '80', '90']);
    expect(out.writes.at(-1)).toBe('  lifecycleEnact 100,000/100,000 rows (100%) in 3.3 s · 30,303 rows/s\n');
  });

  it('off a terminal, a slow phase still prints a line every interval between its tenths', () => {
    let clock = 0;
    const out = sink(false);
    const print = createProgressPrinter(out, { now: () => clock, intervalMs: 2_000 });
    print({ phase: 'cutLegA', done: 0, total: 100_000, finished: false });
    clock = 2_500;
    print({ phase: 'cutLegA', done: 1_000, total: 100_000, finished: false });
    clock = 3_000;
    print({ phase: 'cutLegA', done: 2_000, total: 100_000, finished: false });
    expect(out.writes).toEqual(['  cutLegA writing 100,000 rows…\n', '  cutLegA 1,000/100,000 rows (1%) · 400 rows/s\n']);
  });

  it('on a terminal, redraws one line, says when every row is written but the phase still commits, and ends it when done', () => {
    let clock = 0;
    const out = sink(true);
    const print = createProgressPrinter(out, { now: () => clock });
    print({ phase: 'cutLegA', done: 0, total: 1_000, finished: false });
    clock = 500;
    print({ phase: 'cutLegA', done: 1_000, total: 1_000, finished: false });
    clock = 1_000;
    print({ phase: 'cutLegA', done: 1_000, total: 1_000, finished: true });
    clock = 5_000;
    print({ phase: 'lifecycleEnact', done: 1_000, total: 2_000, finished: false });
    expect(out.writes).toEqual([
      '\r\u001b[2K  cutLegA writing 1,000 rows…',
      '\r\u001b[2K  cutLegA 1,000/1,000 rows (100%) · 2,000 rows/s · checking and committing…',
      '\r\u001b[2K  cutLegA 1,000/1,000 rows (100%) in 1.0 s · 1,000 rows/s\n',
      // A phase without a start report measures from its first report.
      '\r\u001b[2K  lifecycleEnact 1,000/2,000 rows (50%) · 0 rows/s',
    ]);
  });

  it('says nothing of a phase too short to read a line about', () => {
    const out = sink(false);
    const print = createProgressPrinter(out, { now: () => 0, minRows: 1_000 });
    print({ phase: 'cutLegA', done: 999, total: 999, finished: false });
    expect(out.writes).toEqual([]);
    print({ phase: 'cutLegA', done: 1_000, total: 1_000, finished: true });
    expect(out.writes).toHaveLength(1);
  });

  it('all rows written is not the end: only the finishing report says 100%, printed once', () => {
    let clock = 0;
    const out = sink(false);
    const print = createProgressPrinter(out, { now: () => clock, intervalMs: 2_000 });
    print({ phase: 'lifecycleEnact', done: 5_000, total: 10_000, finished: false });
    clock = 3_000;
    print({ phase: 'lifecycleEnact', done: 10_000, total: 10_000, finished: false });
    clock = 4_000;
    print({ phase: 'lifecycleEnact', done: 10_000, total: 10_000, finished: true });
    expect(out.writes).toEqual(['  lifecycleEnact 5,000/10,000 rows (50%) · 0 rows/s\n', '  lifecycleEnact 10,000/10,000 rows (100%) in 4.0 s · 2,500 rows/s\n']);
  });
});
