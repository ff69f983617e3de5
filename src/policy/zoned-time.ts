/**
 * Wall-clock time in an IANA zone, by Intl alone: the local reading of an instant, the instants of a local reading
 * (none in a DST gap, two in a repeated hour), and the offset changes in a span. Pure apart from a formatter cache.
 */

export const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** No real zone changes its offset twice within this step, so sampling at it finds every transition. */
const TRANSITION_STEP = 3 * HOUR;

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
export interface Local {
  /** The wall-clock reading encoded as if it were a UTC instant (to the second), for calendar arithmetic. */
  readonly wall: number;
  /** 0 = Sunday, as Date#getUTCDay. */
  readonly weekday: number;
  /** Whole minutes after local midnight. */
  readonly minute: number;
}

/** A UTC timestamp for a calendar reading; setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999. */
export function wallOf(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

export function localAt(zone: string, instant: number): Local {
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
export function offsetAt(zone: string, instant: number): number {
  return localAt(zone, instant).wall - Math.floor(instant / 1000) * 1000;
}

/**
 * Every instant whose local reading is `wall`: none in a DST gap, two in a DST overlap, else one. Rather than
 * iterating a single offset guess (which settles on one side of an overlap), try the offsets in force a day either
 * side — a real zone changes offset at most once in two days — and keep each that reproduces the reading.
 */
export function instantsOf(zone: string, wall: number): number[] {
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
export function transitionsIn(zone: string, start: number, end: number): number[] {
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

