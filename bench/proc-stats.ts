/**
 * What Linux's /proc says about a process: a PostgreSQL backend's CPU time (the server is local, so the bench can read
 * /proc/<pg_backend_pid()>), and this process's bytes through read and write system calls (its sockets to the server
 * included). The parsers are pure; the readers read the files.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** User and system CPU time of a process, in clock ticks (fields 14 and 15 of /proc/<pid>/stat). */
export interface ProcCpuTicks {
  readonly utime: number;
  readonly stime: number;
}

/**
 * Parses /proc/<pid>/stat. The second field, the command, is in parentheses and may itself hold spaces and ')', so the
 * fields are counted from the last ')': after it come field 3 (state), 4, …, so utime (14) is the 12th.
 */
export function parseProcStat(text: string): ProcCpuTicks {
  const close = text.lastIndexOf(')');
  if (close < 0) throw new Error(`not a /proc/<pid>/stat line: ${text.slice(0, 80)}`);
  const fields = text.slice(close + 1).trim().split(/\s+/);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isInteger(utime) || !Number.isInteger(stime)) throw new Error(`no utime/stime in /proc/<pid>/stat: ${text.slice(0, 80)}`);
  return { utime, stime };
}

/**
 * /proc/<pid>/schedstat: nanoseconds the process has run on a CPU (finer than the ticks of stat), and nanoseconds it
 * was runnable but waited for one (other work on the machine taking the cores).
 */
export function parseSchedstat(text: string): { runNs: number; waitNs: number } {
  const [run = '', wait = ''] = text.trim().split(/\s+/);
  if (!/^\d+$/.test(run) || !/^\d+$/.test(wait)) throw new Error(`not a /proc/<pid>/schedstat line: ${text.slice(0, 80)}`);
  return { runNs: Number(run), waitNs: Number(wait) };
}

/** Bytes a process passed to read-like and write-like system calls, sockets included (`rchar`, `wchar` of /proc/<pid>/io). */
export interface ProcIo {
  readonly rchar: number;
  readonly wchar: number;
}

export function parseProcIo(text: string): ProcIo {
  const value = (name: string): number => {
    const match = new RegExp(`^${name}:\\s*(\\d+)$`, 'm').exec(text);
    if (match?.[1] === undefined) throw new Error(`no ${name} in /proc/<pid>/io`);
    return Number(match[1]);
  };
  return { rchar: value('rchar'), wchar: value('wchar') };
}

/** Clock ticks per second (`getconf CLK_TCK`): the unit of stat's utime and stime. 100 where getconf is missing. */
export function clockTicksPerSecond(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}

/** A process's CPU time so far: from stat (ticks) and from schedstat (ns, and ns waited for a CPU), or null where schedstat is not kept. */
export interface CpuReading {
  readonly ticks: number;
  readonly ns: number | null;
  readonly waitNs: number | null;
}

export function readCpu(pid: number): CpuReading {
  const { utime, stime } = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  try {
    const { runNs, waitNs } = parseSchedstat(readFileSync(`/proc/${pid}/schedstat`, 'utf8'));
    return { ticks: utime + stime, ns: runNs, waitNs };
  } catch {
    // A kernel without CONFIG_SCHEDSTATS has no such file: the ticks stand alone.
    return { ticks: utime + stime, ns: null, waitNs: null };
  }
}

export function readOwnIo(): ProcIo {
  return parseProcIo(readFileSync('/proc/self/io', 'utf8'));
}
