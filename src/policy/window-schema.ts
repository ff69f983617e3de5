/**
 * How a change window is written in the configuration: weekly intervals (local wall-clock times in one IANA zone) and
 * explicit intervals (absolute instants), validated with every error naming its field and the fix.
 */
import { z } from 'zod';

/** Days as written in a window, Monday first as people write a working week. */
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
/** A day of the week as written in a weekly interval. */
export type Weekday = (typeof WEEKDAYS)[number];
/** Date#getUTCDay numbering, which is what the calendar arithmetic below produces. */
export const DAY_NUMBER: Readonly<Record<Weekday, number>> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

const FROM_TIME = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
const TO_TIME = /^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;

/** Minutes after local midnight of an `HH:MM` already checked by FROM_TIME or TO_TIME. */
export function minutesOf(time: string): number {
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
