/**
 * Change windows for an approval policy: when, in a team's own wall-clock time, writes may be approved. A window is a
 * set of weekly intervals (local times in one IANA zone) and explicit intervals (absolute instants). Every function is
 * a pure function of its arguments: the caller supplies `now`, so a decision can be replayed and tested. The format
 * is in window-schema.ts, the zone arithmetic in zoned-time.ts.
 */
import { DAY_NUMBER, minutesOf, type ChangeWindow } from './window-schema.js';
import { DAY, instantsOf, localAt, MINUTE, transitionsIn } from './zoned-time.js';

export { ChangeWindowSchema, type ChangeWindow, type Weekday } from './window-schema.js';

const DAY_LABEL = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
/**
 * Weekly boundaries are enumerated a chunk at a time, starting with one day and doubling up to this, so the common
 * near opening is cheap and a far-away explicit interval does not cost one long enumeration.
 */
const MAX_CHUNK = 8 * DAY;
/**
 * A weekly pattern recurs every 7 local days; two weeks plus slack still finds it when a DST gap or a skipped
 * calendar day (Pacific/Apia, 2011) swallows one occurrence.
 */
const WEEKLY_HORIZON = 16 * DAY;


/** A window with its strings turned into numbers once per call. */
interface Compiled {
  readonly zone: string;
  readonly weekly: readonly { readonly days: ReadonlySet<number>; readonly from: number; readonly to: number }[];
  readonly explicit: readonly { readonly from: number; readonly to: number }[];
}

function compile(window: ChangeWindow): Compiled {
  return {
    zone: window.timeZone,
    weekly: (window.weekly ?? []).map((interval) => ({
      days: new Set(interval.days.map((day) => DAY_NUMBER[day])),
      from: minutesOf(interval.from),
      to: minutesOf(interval.to),
    })),
    explicit: (window.explicit ?? []).map((interval) => ({ from: Date.parse(interval.from), to: Date.parse(interval.to) })),
  };
}

/** Instants in (start, end] at which the local clock reads the start or end of a weekly interval on one of its days. */
function weeklyBoundariesIn(window: Compiled, start: number, end: number): number[] {
  // A clock falling back across midnight can put a later instant's reading on the previous local day, hence one day
  // of slack each side.
  const firstDay = Math.floor(localAt(window.zone, start).wall / DAY) * DAY - DAY;
  const lastDay = Math.floor(localAt(window.zone, end).wall / DAY) * DAY + DAY;
  const found: number[] = [];
  for (let day = firstDay; day <= lastDay; day += DAY) {
    const weekday = new Date(day).getUTCDay();
    const minutes = new Set<number>();
    for (const interval of window.weekly) {
      if (interval.days.has(weekday)) minutes.add(interval.from).add(interval.to);
    }
    for (const minute of minutes) {
      for (const instant of instantsOf(window.zone, day + minute * MINUTE)) {
        if (instant > start && instant <= end) found.push(instant);
      }
    }
  }
  return found;
}

function openAt(window: Compiled, instant: number): boolean {
  if (window.explicit.some((interval) => interval.from <= instant && instant < interval.to)) return true;
  if (window.weekly.length === 0) return false;
  const local = localAt(window.zone, instant);
  return window.weekly.some(
    (interval) => interval.days.has(local.weekday) && interval.from <= local.minute && local.minute < interval.to,
  );
}

/**
 * The first instant in (start, limit] at which the window's state becomes `want`. The state can only change where the
 * local clock reads an interval boundary, where the clock jumps (DST), or at an explicit boundary, and it holds from
 * each such instant to the next — so checking those candidates in order is exact, without scanning minutes.
 */
function firstInstantWhere(window: Compiled, start: number, want: boolean, limit: number): number | null {
  let chunk = window.weekly.length === 0 ? Infinity : DAY;
  let from = start;
  while (from < limit) {
    if (!want) {
      // Inside an explicit interval the window stays open, however long; skip to its end rather than walk it.
      // Stop 1 ms short so the interval's end is still a candidate below.
      const covering = window.explicit.filter((interval) => interval.from <= from && from < interval.to);
      const skipTo = Math.max(from, ...covering.map((interval) => interval.to - 1));
      if (skipTo > from) {
        from = skipTo;
        continue;
      }
    }
    const to = Math.min(from + chunk, limit);
    const candidates = new Set<number>();
    for (const interval of window.explicit) {
      for (const boundary of [interval.from, interval.to]) if (boundary > from && boundary <= to) candidates.add(boundary);
    }
    if (window.weekly.length > 0) {
      for (const instant of weeklyBoundariesIn(window, from, to)) candidates.add(instant);
      for (const instant of transitionsIn(window.zone, from, to)) candidates.add(instant);
    }
    for (const candidate of [...candidates].sort((a, b) => a - b)) {
      if (openAt(window, candidate) === want) return candidate;
    }
    from = to;
    chunk = Math.min(chunk * 2, MAX_CHUNK);
  }
  return null;
}

/** True when the weekly intervals cover every minute of every day, so the window never closes. */
function coversWholeWeek(window: Compiled): boolean {
  const covered = new Uint8Array(7 * 1440);
  for (const interval of window.weekly) {
    for (const day of interval.days) covered.fill(1, day * 1440 + interval.from, day * 1440 + interval.to);
  }
  return covered.every((minute) => minute === 1);
}

function instantOf(now: Date): number {
  const instant = now.getTime();
  if (Number.isNaN(instant)) throw new RangeError('expected a valid Date, got an Invalid Date');
  return instant;
}

/**
 * Whether the window is open at `now`: inside any explicit [from, to), or at a local wall-clock time (in the window's
 * zone) inside any weekly [from, to) on one of its days. Across DST it is the wall clock that counts: a 02:00–03:00
 * interval does not open on the night the clock skips that hour, and is open twice as long when the hour repeats.
 * Throws a RangeError for an invalid Date.
 */
export function windowOpenAt(window: ChangeWindow, now: Date): boolean {
  return openAt(compile(window), instantOf(now));
}

/**
 * When the window next opens: a copy of `now` if it is open now, else the earliest instant after `now` at which it
 * is open, else null (only explicit intervals, all over). When a DST gap swallows an interval's start, the opening is
 * the first instant after the gap whose local time lies in the interval.
 */
export function nextOpening(window: ChangeWindow, now: Date): Date | null {
  const compiled = compile(window);
  const start = instantOf(now);
  if (openAt(compiled, start)) return new Date(start);
  const limit = compiled.weekly.length === 0 ? Infinity : start + WEEKLY_HORIZON;
  const found = firstInstantWhere(compiled, start, true, limit);
  if (found !== null) return new Date(found);
  // Only reachable when a calendar oddity hides every weekly interval for the whole horizon.
  const later = compiled.explicit.map((interval) => interval.from).filter((from) => from > start);
  return later.length === 0 ? null : new Date(Math.min(...later));
}

/**
 * When the window next closes, if it is open at `now`: the first instant after `now` at which no interval holds, so
 * adjacent and overlapping intervals (Mon 22:00–24:00 then Tue 00:00–06:00) count as one stretch. Null when the
 * window is closed at `now`, or when its weekly intervals cover the whole week and it never closes.
 */
export function nextClosing(window: ChangeWindow, now: Date): Date | null {
  const compiled = compile(window);
  const start = instantOf(now);
  if (!openAt(compiled, start)) return null;
  if (compiled.weekly.length > 0 && coversWholeWeek(compiled)) return null;
  const lastExplicit = Math.max(start, ...compiled.explicit.map((interval) => interval.to));
  const limit = compiled.weekly.length === 0 ? Infinity : lastExplicit + WEEKLY_HORIZON;
  const found = firstInstantWhere(compiled, start, false, limit);
  return found === null ? null : new Date(found);
}

/**
 * An instant as people in the window's zone would read it, e.g. `Mon 2026-12-07 09:00 Europe/Berlin`. Throws a
 * RangeError for an invalid Date.
 */
export function describeOpening(window: ChangeWindow, at: Date): string {
  const local = localAt(window.timeZone, instantOf(at));
  const date = new Date(local.wall);
  const pad = (value: number): string => String(value).padStart(2, '0');
  const ymd = `${String(date.getUTCFullYear()).padStart(4, '0')}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
  return `${DAY_LABEL[local.weekday] ?? ''} ${ymd} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())} ${window.timeZone}`;
}
