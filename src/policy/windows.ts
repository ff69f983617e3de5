/**
 * Change windows for an approval policy: when, in a team's own wall-clock time, writes may be approved. A window is a
 * set of weekly intervals (local times in one IANA zone) and explicit intervals (absolute instants). Every function is
 * a pure function of its arguments: the caller supplies `now`, so a decision can be replayed and tested.
 */
import { z } from 'zod';

/** Days as written in a window, Monday first as people write a working week. */
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
/** A day of the week as written in a weekly interval. */
export type Weekday = (typeof WEEKDAYS)[number];
/** Date#getUTCDay numbering, which is what the calendar arithmetic below produces. */
const DAY_NUMBER: Readonly<Record<Weekday, number>> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const DAY_LABEL = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
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
/** No real zone changes its offset twice within this step, so sampling at it finds every transition. */
const TRANSITION_STEP = 3 * HOUR;

const FROM_TIME = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
const TO_TIME = /^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;

/** Minutes after local midnight of an `HH:MM` already checked by FROM_TIME or TO_TIME. */
function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const WeeklyIntervalSchema = z
  .strictObject({
    days: z
      .array(z.enum(WEEKDAYS, { error: `must be one of ${WEEKDAYS.join(', ')}` }))
      .min(1, 'must name at least one day, such as ["mon", "tue"]'),
    from: z.string().regex(FROM_TIME, 'must be a local time HH:MM from 00:00 to 23:59, such as 09:00'),
    to: z.string().regex(TO_TIME, 'must be a local time HH:MM from 00:01 to 24:00, such as 17:00'),
  })
  .superRefine((interval, ctx) => {
    // The regex issues already explain malformed times; comparing them would only add noise.
    if (!FROM_TIME.test(interval.from) || !TO_TIME.test(interval.to)) return;
    if (minutesOf(interval.to) <= minutesOf(interval.from)) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `must be later than from (${interval.from}); write an interval that crosses midnight as two, such as 22:00–24:00 and 00:00–06:00 on the next day`,
      });
    }
  });

const INSTANT_HINT = 'must be an ISO instant with an offset, such as 2026-12-07T09:00:00+01:00';

const InstantSchema = z.iso.datetime({ offset: true, error: INSTANT_HINT });

const ExplicitIntervalSchema = z
  .strictObject({ from: InstantSchema, to: InstantSchema })
  .superRefine((interval, ctx) => {
    // Date.parse reads an offset-less time as host-local time; compare only instants the schema accepted.
    if (!InstantSchema.safeParse(interval.from).success || !InstantSchema.safeParse(interval.to).success) return;
    if (Date.parse(interval.to) <= Date.parse(interval.from)) ctx.addIssue({ code: 'custom', path: ['to'], message: `must be later than from (${interval.from})` });
  });

/**
 * One named change window. Weekly intervals are local wall-clock times in `timeZone` (so 09:00 stays 09:00 across
 * DST); explicit intervals are absolute instants, each the half-open range [from, to). At least one interval is
 * required: a window that can never open is almost certainly a mistake.
 */
export const ChangeWindowSchema = z
  .strictObject({
    timeZone: z.string().refine(isTimeZone, { error: 'must be an IANA time zone such as Europe/Berlin' }),
    weekly: z.array(WeeklyIntervalSchema).optional(),
    explicit: z.array(ExplicitIntervalSchema).optional(),
  })
  .superRefine((window, ctx) => {
    if ((window.weekly?.length ?? 0) === 0 && (window.explicit?.length ?? 0) === 0) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'a change window needs at least one interval: add a weekly or an explicit one',
      });
    }
  });

/** A change window as accepted by ChangeWindowSchema. */
export type ChangeWindow = z.infer<typeof ChangeWindowSchema>;

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

// Building a DateTimeFormat costs far more than using one; a zone's formatter never changes, so sharing it keeps the
// functions pure in every observable way.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      // h23, not hour12: false: the latter prints midnight as 24 in some ICU versions.
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** Local wall-clock time at an instant. */
interface Local {
  /** The wall-clock reading encoded as if it were a UTC instant (to the second), for calendar arithmetic. */
  readonly wall: number;
  /** 0 = Sunday, as Date#getUTCDay. */
  readonly weekday: number;
  /** Whole minutes after local midnight. */
  readonly minute: number;
}

/** A UTC timestamp for a calendar reading; setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999. */
function wallOf(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

function localAt(zone: string, instant: number): Local {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(zone).formatToParts(instant)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const hour = fields.hour ?? 0;
  const minute = fields.minute ?? 0;
  const wall = wallOf(fields.year ?? 1970, fields.month ?? 1, fields.day ?? 1, hour, minute, fields.second ?? 0);
  return { wall, weekday: new Date(wall).getUTCDay(), minute: hour * 60 + minute };
}

/** The zone's offset from UTC at an instant, in ms (the formatter resolves seconds, so compare whole seconds). */
function offsetAt(zone: string, instant: number): number {
  return localAt(zone, instant).wall - Math.floor(instant / 1000) * 1000;
}

/**
 * Every instant whose local reading is `wall`: none in a DST gap, two in a DST overlap, else one. Rather than
 * iterating a single offset guess (which settles on one side of an overlap), try the offsets in force a day either
 * side — a real zone changes offset at most once in two days — and keep each that reproduces the reading.
 */
function instantsOf(zone: string, wall: number): number[] {
  const before = offsetAt(zone, wall - DAY);
  const after = offsetAt(zone, wall + DAY);
  const found: number[] = [];
  for (const offset of before === after ? [before] : [before, after]) {
    const instant = wall - offset;
    if (offsetAt(zone, instant) === offset) found.push(instant);
  }
  return found.sort((a, b) => a - b);
}

/** Instants in (start, end] at which the zone's offset changes: where the local clock jumps. */
function transitionsIn(zone: string, start: number, end: number): number[] {
  const found: number[] = [];
  let previous = start;
  let previousOffset = offsetAt(zone, start);
  while (previous < end) {
    const next = Math.min(previous + TRANSITION_STEP, end);
    const nextOffset = offsetAt(zone, next);
    if (nextOffset !== previousOffset) {
      // Offsets change on whole seconds, so bisect seconds, not milliseconds.
      let low = Math.floor(previous / 1000);
      let high = Math.ceil(next / 1000);
      while (high - low > 1) {
        const middle = Math.floor((low + high) / 2);
        if (offsetAt(zone, middle * 1000) === previousOffset) low = middle;
        else high = middle;
      }
      if (high * 1000 > start) found.push(high * 1000);
    }
    previous = next;
    previousOffset = nextOffset;
  }
  return found;
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
