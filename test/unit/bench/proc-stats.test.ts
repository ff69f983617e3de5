/** The /proc parsers the breakdown bench reads a backend's CPU and its own socket bytes with (bench/proc-stats.ts). */
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clockTicksPerSecond, parseProcIo, parseProcStat, parseSchedstat, readCpu, readOwnIo } from '../../../bench/proc-stats.js';

/** A real stat line's shape: pid, (comm), state, then fields 4..52; utime 14 = 1234, stime 15 = 56. */
const statLine = (comm: string) => `4242 (${comm}) S 1 4242 4242 0 -1 4194560 1960 0 0 0 1234 56 0 0 20 0 1 0 1853 231358464 4027 18446744073709551615 1 1 0 0 0 0 0 16781312 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0`;

describe('parseProcStat', () => {
  it('reads utime and stime, fields 14 and 15', () => {
    expect(parseProcStat(statLine('postgres'))).toEqual({ utime: 1234, stime: 56 });
  });

  it('counts the fields from the last parenthesis, whatever the command holds', () => {
    // A process may name itself anything: spaces and ')' in comm must not shift the fields.
    expect(parseProcStat(statLine('postgres: cutter_exec db 127.0.0.1(5) idle'))).toEqual({ utime: 1234, stime: 56 });
    expect(parseProcStat(statLine('a) 9 9 9 (b'))).toEqual({ utime: 1234, stime: 56 });
  });

  it('refuses text that is not a stat line', () => {
    expect(() => parseProcStat('no parenthesis here')).toThrow(/not a \/proc/);
    expect(() => parseProcStat('1 (x) S 1 2')).toThrow(/no utime/);
  });

  it('reads this process, whose CPU time only grows', () => {
    const before = readCpu(process.pid);
    let x = 0;
    for (let i = 0; i < 2e7; i++) x += i % 7;
    const after = readCpu(process.pid);
    expect(x).toBeGreaterThan(0);
    expect(after.ticks).toBeGreaterThanOrEqual(before.ticks);
    if (before.ns !== null && after.ns !== null) expect(after.ns).toBeGreaterThan(before.ns);
  });
});

describe('parseSchedstat', () => {
  it('reads nanoseconds on a CPU and nanoseconds waiting for one, the first two fields', () => {
    expect(parseSchedstat('2822935 1344140 2\n')).toEqual({ runNs: 2822935, waitNs: 1344140 });
  });

  it('refuses text without a number', () => {
    expect(() => parseSchedstat('')).toThrow(/schedstat/);
    expect(() => parseSchedstat('12x 3 4')).toThrow(/schedstat/);
    expect(() => parseSchedstat('12')).toThrow(/schedstat/);
  });
});

describe('parseProcIo', () => {
  const io = 'rchar: 5048\nwchar: 312\nsyscr: 10\nsyscw: 3\nread_bytes: 0\nwrite_bytes: 0\ncancelled_write_bytes: 0\n';

  it('reads rchar and wchar, not the lines that end in the same letters', () => {
    expect(parseProcIo(io)).toEqual({ rchar: 5048, wchar: 312 });
  });

  it('refuses a file without them', () => {
    expect(() => parseProcIo('syscr: 10\n')).toThrow(/rchar/);
  });

  it('sees this process write', () => {
    const before = readOwnIo();
    writeFileSync('/dev/null', 'x'.repeat(4096));
    expect(readOwnIo().wchar - before.wchar).toBeGreaterThanOrEqual(4096);
  });
});

describe('clockTicksPerSecond', () => {
  it('is a positive whole number (100 on Linux almost everywhere)', () => {
    const ticks = clockTicksPerSecond();
    expect(Number.isInteger(ticks) && ticks > 0).toBe(true);
  });
});
