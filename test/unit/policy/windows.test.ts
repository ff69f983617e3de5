/** Change windows: schema messages, wall-clock evaluation across DST, and the next opening and closing. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ChangeWindowSchema,
  describeOpening,
  nextClosing,
  nextOpening,
  windowOpenAt,
  type ChangeWindow,
  type Weekday,
} from '../../../src/policy/windows.js';

const at = (iso: string): Date => new Date(iso);
const window = (input: unknown): ChangeWindow => ChangeWindowSchema.parse(input);
const WORKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];
const office = (timeZone: string): ChangeWindow => window({ timeZone, weekly: [{ days: WORKDAYS, from: '09:00', to: '17:00' }] });
const sunday = (timeZone: string, from: string, to: string): ChangeWindow => window({ timeZone, weekly: [{ days: ['sun'], from, to }] });

/** The issues of a refused window as `path: message` lines. */
function issuesOf(input: unknown): string[] {
  const result = ChangeWindowSchema.safeParse(input);
  expect(result.success).toBe(false);
  return (result.error?.issues ?? []).map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('ChangeWindowSchema', () => {
  it('accepts weekly and explicit intervals, including an interval ending at 24:00', () => {
    const parsed = ChangeWindowSchema.safeParse({
      timeZone: 'Europe/Berlin',
      weekly: [{ days: ['sat'], from: '22:00', to: '24:00' }],
      explicit: [{ from: '2026-12-24T00:00:00+01:00', to: '2026-12-27T00:00:00Z' }],
    });
    expect(parsed.success).toBe(true);
  });

  it('names the field and the fix for an unknown time zone', () => {
    expect(issuesOf({ timeZone: 'Mars/Olympus', weekly: [{ days: ['mon'], from: '09:00', to: '17:00' }] })).toEqual([
      'timeZone: must be an IANA time zone such as Europe/Berlin',
    ]);
  });

  it.each([
    ['from', { from: '9:00', to: '17:00' }, 'weekly.0.from: must be a local time HH:MM from 00:00 to 23:59, such as 09:00'],
    ['from', { from: '24:00', to: '24:00' }, 'weekly.0.from: must be a local time HH:MM from 00:00 to 23:59, such as 09:00'],
    ['to', { from: '09:00', to: '17:60' }, 'weekly.0.to: must be a local time HH:MM from 00:01 to 24:00, such as 17:00'],
    ['to', { from: '09:00', to: '24:01' }, 'weekly.0.to: must be a local time HH:MM from 00:01 to 24:00, such as 17:00'],
  ])('names the field and the format for a malformed %s time', (_field, times, message) => {
    expect(issuesOf({ timeZone: 'UTC', weekly: [{ days: ['mon'], ...times }] })).toEqual([message]);
  });

  it('refuses to <= from and says how to write an interval across midnight', () => {
    const [issue, ...rest] = issuesOf({ timeZone: 'UTC', weekly: [{ days: ['fri'], from: '22:00', to: '06:00' }] });
    expect(rest).toEqual([]);
    expect(issue).toMatch(/^weekly\.0\.to: must be later than from \(22:00\); write an interval that crosses midnight as two/);
    expect(issuesOf({ timeZone: 'UTC', weekly: [{ days: ['fri'], from: '09:00', to: '09:00' }] })[0]).toMatch(/^weekly\.0\.to: must be later/);
  });

  it('refuses a weekly interval without days, or with an unknown day', () => {
    expect(issuesOf({ timeZone: 'UTC', weekly: [{ days: [], from: '09:00', to: '10:00' }] })).toEqual([
      'weekly.0.days: must name at least one day, such as ["mon", "tue"]',
    ]);
    expect(issuesOf({ timeZone: 'UTC', weekly: [{ days: ['monday'], from: '09:00', to: '10:00' }] })).toEqual([
      'weekly.0.days.0: must be one of mon, tue, wed, thu, fri, sat, sun',
    ]);
  });

  it('refuses explicit instants without an offset, and explicit to <= from', () => {
    expect(issuesOf({ timeZone: 'UTC', explicit: [{ from: '2026-12-07T09:00:00', to: '2026-12-07T10:00:00Z' }] })).toEqual([
      'explicit.0.from: must be an ISO instant with an offset, such as 2026-12-07T09:00:00+01:00',
    ]);
    // Same instant written with two offsets: empty, so refused.
    expect(issuesOf({ timeZone: 'UTC', explicit: [{ from: '2026-12-07T10:00:00+01:00', to: '2026-12-07T09:00:00Z' }] })).toEqual([
      'explicit.0.to: must be later than from (2026-12-07T10:00:00+01:00)',
    ]);
  });

  it('refuses an empty window and unknown keys', () => {
    const empty = 'a change window needs at least one interval: add a weekly or an explicit one';
    expect(issuesOf({ timeZone: 'UTC' })).toEqual([`: ${empty}`]);
    expect(issuesOf({ timeZone: 'UTC', weekly: [], explicit: [] })).toEqual([`: ${empty}`]);
    expect(issuesOf({ timeZone: 'UTC', weekly: [{ days: ['mon'], from: '09:00', to: '10:00', note: 'x' }] })[0]).toMatch(/^weekly\.0: /);
  });
});

describe('windowOpenAt', () => {
  it.each([
    // Europe/Berlin, winter (UTC+1) and summer (UTC+2): 09:00 local either way.
    ['Europe/Berlin', '2026-01-05T07:59:59.999Z', false],
    ['Europe/Berlin', '2026-01-05T08:00:00Z', true],
    ['Europe/Berlin', '2026-01-05T15:59:59Z', true],
    ['Europe/Berlin', '2026-01-05T16:00:00Z', false],
    ['Europe/Berlin', '2026-07-06T06:59:00Z', false],
    ['Europe/Berlin', '2026-07-06T07:00:00Z', true],
    ['Europe/Berlin', '2026-07-06T14:59:00Z', true],
    ['Europe/Berlin', '2026-07-06T15:00:00Z', false],
    ['Europe/Berlin', '2026-01-10T10:00:00Z', false], // Saturday
    // The week after each European change: the Monday opening follows the clock.
    ['Europe/Berlin', '2026-03-27T08:00:00Z', true], // Fri before, CET
    ['Europe/Berlin', '2026-03-30T06:59:00Z', false], // Mon after, CEST
    ['Europe/Berlin', '2026-03-30T07:00:00Z', true],
    ['Europe/Berlin', '2026-10-23T07:00:00Z', true], // Fri before, CEST
    ['Europe/Berlin', '2026-10-26T07:00:00Z', false], // Mon after, CET: 08:00 local
    ['Europe/Berlin', '2026-10-26T08:00:00Z', true],
    // America/New_York on both sides of 2026-03-08 and 2026-11-01.
    ['America/New_York', '2026-03-06T14:00:00Z', true], // Fri 09:00 EST
    ['America/New_York', '2026-03-06T13:59:00Z', false],
    ['America/New_York', '2026-03-09T12:59:00Z', false], // Mon 08:59 EDT
    ['America/New_York', '2026-03-09T13:00:00Z', true], // Mon 09:00 EDT
    ['America/New_York', '2026-10-30T20:59:00Z', true], // Fri 16:59 EDT
    ['America/New_York', '2026-10-30T21:00:00Z', false],
    ['America/New_York', '2026-11-02T13:59:00Z', false], // Mon 08:59 EST
    ['America/New_York', '2026-11-02T14:00:00Z', true],
    ['America/New_York', '2026-11-02T21:59:00Z', true], // Mon 16:59 EST
    ['America/New_York', '2026-11-02T22:00:00Z', false],
    // UTC has no DST.
    ['UTC', '2026-03-29T09:00:00Z', false], // Sunday
    ['UTC', '2026-03-30T09:00:00Z', true],
    ['UTC', '2026-10-26T16:59:59.999Z', true],
    ['UTC', '2026-10-26T17:00:00Z', false],
  ] as const)('%s office hours at %s: %s', (zone, iso, open) => {
    expect(windowOpenAt(office(zone), at(iso))).toBe(open);
  });

  it('never opens a weekly interval that falls in the skipped hour (Berlin, 2026-03-29)', () => {
    const skipped = sunday('Europe/Berlin', '02:00', '03:00');
    expect(windowOpenAt(skipped, at('2026-03-29T00:59:59Z'))).toBe(false); // 01:59:59 CET
    expect(windowOpenAt(skipped, at('2026-03-29T01:00:00Z'))).toBe(false); // 03:00 CEST
    expect(nextOpening(skipped, at('2026-03-28T12:00:00Z'))).toEqual(at('2026-04-05T00:00:00Z')); // next Sunday 02:00 CEST
  });

  it('keeps an interval around the skipped hour open on both sides of it (Berlin, 2026-03-29)', () => {
    const night = sunday('Europe/Berlin', '01:00', '04:00');
    expect(windowOpenAt(night, at('2026-03-28T23:59:00Z'))).toBe(false); // 00:59 CET
    expect(windowOpenAt(night, at('2026-03-29T00:00:00Z'))).toBe(true); // 01:00 CET
    expect(windowOpenAt(night, at('2026-03-29T01:00:00Z'))).toBe(true); // 03:00 CEST
    expect(windowOpenAt(night, at('2026-03-29T01:59:00Z'))).toBe(true); // 03:59 CEST
    expect(windowOpenAt(night, at('2026-03-29T02:00:00Z'))).toBe(false); // 04:00 CEST
    expect(nextClosing(night, at('2026-03-29T00:30:00Z'))).toEqual(at('2026-03-29T02:00:00Z'));
  });

  it('opens a repeated hour twice (Berlin, 2026-10-25), since the wall clock is what counts', () => {
    const repeated = sunday('Europe/Berlin', '02:30', '03:00');
    expect(windowOpenAt(repeated, at('2026-10-25T00:29:00Z'))).toBe(false); // 02:29 CEST
    expect(windowOpenAt(repeated, at('2026-10-25T00:30:00Z'))).toBe(true); // 02:30 CEST
    expect(windowOpenAt(repeated, at('2026-10-25T01:00:00Z'))).toBe(false); // 02:00 CET
    expect(windowOpenAt(repeated, at('2026-10-25T01:30:00Z'))).toBe(true); // 02:30 CET
    expect(windowOpenAt(repeated, at('2026-10-25T02:00:00Z'))).toBe(false); // 03:00 CET
    expect(nextClosing(repeated, at('2026-10-25T00:40:00Z'))).toEqual(at('2026-10-25T01:00:00Z'));
    expect(nextOpening(repeated, at('2026-10-25T01:05:00Z'))).toEqual(at('2026-10-25T01:30:00Z'));
  });

  it('keeps a New York interval over the repeated hour open for two real hours (2026-11-01)', () => {
    const repeated = sunday('America/New_York', '01:00', '02:00');
    expect(windowOpenAt(repeated, at('2026-11-01T04:59:00Z'))).toBe(false); // 00:59 EDT
    expect(windowOpenAt(repeated, at('2026-11-01T05:00:00Z'))).toBe(true); // 01:00 EDT
    expect(windowOpenAt(repeated, at('2026-11-01T06:30:00Z'))).toBe(true); // 01:30 EST
    expect(windowOpenAt(repeated, at('2026-11-01T07:00:00Z'))).toBe(false); // 02:00 EST
    expect(nextClosing(repeated, at('2026-11-01T05:10:00Z'))).toEqual(at('2026-11-01T07:00:00Z'));
  });

  it('opens a New York interval whose start is skipped at the end of the gap (2026-03-08)', () => {
    const early = sunday('America/New_York', '02:15', '05:00');
    expect(windowOpenAt(early, at('2026-03-08T06:59:00Z'))).toBe(false); // 01:59 EST
    expect(windowOpenAt(early, at('2026-03-08T07:00:00Z'))).toBe(true); // 03:00 EDT
    expect(nextOpening(early, at('2026-03-08T06:30:00Z'))).toEqual(at('2026-03-08T07:00:00Z'));
    expect(nextClosing(early, at('2026-03-08T07:00:00Z'))).toEqual(at('2026-03-08T09:00:00Z')); // 05:00 EDT
  });

  it('treats explicit intervals as [from, to)', () => {
    const freeze = window({ timeZone: 'UTC', explicit: [{ from: '2026-12-07T09:00:00+01:00', to: '2026-12-07T10:00:00+01:00' }] });
    expect(windowOpenAt(freeze, at('2026-12-07T07:59:59.999Z'))).toBe(false);
    expect(windowOpenAt(freeze, at('2026-12-07T08:00:00Z'))).toBe(true);
    expect(windowOpenAt(freeze, at('2026-12-07T08:59:59.999Z'))).toBe(true);
    expect(windowOpenAt(freeze, at('2026-12-07T09:00:00Z'))).toBe(false);
  });

  it('throws on an invalid Date rather than guessing', () => {
    expect(() => windowOpenAt(office('UTC'), new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('nextOpening', () => {
  it('goes from Friday evening to Monday 09:00 in Berlin, across the March change', () => {
    expect(nextOpening(office('Europe/Berlin'), at('2026-03-27T17:00:00Z'))).toEqual(at('2026-03-30T07:00:00Z'));
    expect(nextOpening(office('Europe/Berlin'), at('2026-01-09T18:30:00Z'))).toEqual(at('2026-01-12T08:00:00Z'));
    expect(nextOpening(office('Europe/Berlin'), at('2026-10-23T17:00:00Z'))).toEqual(at('2026-10-26T08:00:00Z'));
  });

  it('returns now when the window is open now', () => {
    const now = at('2026-01-05T10:00:00.123Z');
    const opening = nextOpening(office('Europe/Berlin'), now);
    expect(opening).toEqual(now);
    expect(opening).not.toBe(now);
  });

  it('returns null when only past explicit intervals remain', () => {
    const past = window({ timeZone: 'UTC', explicit: [{ from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' }] });
    expect(nextOpening(past, at('2026-01-02T00:00:00Z'))).toBeNull();
    expect(nextOpening(past, at('2027-06-01T00:00:00Z'))).toBeNull();
  });

  it('finds a future explicit interval, however far, and the earliest of several', () => {
    const later = window({
      timeZone: 'Europe/Berlin',
      explicit: [
        { from: '2031-05-01T09:00:00+02:00', to: '2031-05-01T12:00:00+02:00' },
        { from: '2030-02-01T09:00:00+01:00', to: '2030-02-01T12:00:00+01:00' },
      ],
    });
    expect(nextOpening(later, at('2026-01-01T00:00:00Z'))).toEqual(at('2030-02-01T08:00:00Z'));
    expect(nextOpening(later, at('2030-02-01T11:00:00Z'))).toEqual(at('2031-05-01T07:00:00Z'));
  });

  it('prefers an explicit interval that opens before the weekly one', () => {
    const both = window({
      timeZone: 'Europe/Berlin',
      weekly: [{ days: WORKDAYS, from: '09:00', to: '17:00' }],
      explicit: [{ from: '2026-01-10T10:00:00+01:00', to: '2026-01-10T11:00:00+01:00' }],
    });
    expect(nextOpening(both, at('2026-01-09T18:00:00Z'))).toEqual(at('2026-01-10T09:00:00Z'));
    expect(nextOpening(both, at('2026-01-10T10:00:00Z'))).toEqual(at('2026-01-12T08:00:00Z'));
  });
});

describe('nextClosing', () => {
  it('returns the end of the current interval, and null when closed', () => {
    expect(nextClosing(office('Europe/Berlin'), at('2026-07-06T10:00:00Z'))).toEqual(at('2026-07-06T15:00:00Z'));
    expect(nextClosing(office('Europe/Berlin'), at('2026-07-06T16:00:00Z'))).toBeNull();
  });

  it('merges adjacent and overlapping intervals into one stretch', () => {
    const weekend = window({
      timeZone: 'UTC',
      weekly: [
        { days: ['sat'], from: '00:00', to: '24:00' },
        { days: ['sun'], from: '00:00', to: '06:00' },
        { days: ['sun'], from: '05:00', to: '07:30' },
      ],
      explicit: [{ from: '2026-01-11T07:30:00Z', to: '2026-01-11T08:00:00Z' }],
    });
    expect(nextClosing(weekend, at('2026-01-10T12:00:00Z'))).toEqual(at('2026-01-11T08:00:00Z'));
  });

  it('returns null for a window that covers the whole week', () => {
    const always = window({ timeZone: 'America/New_York', weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '00:00', to: '24:00' }] });
    expect(nextClosing(always, at('2026-11-01T06:00:00Z'))).toBeNull();
  });

  it('walks past a long explicit interval to the weekly gap after it', () => {
    const w = window({
      timeZone: 'UTC',
      weekly: [{ days: WORKDAYS, from: '00:00', to: '24:00' }],
      explicit: [{ from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z' }],
    });
    // 2027-01-01 is a Friday: open until Saturday 00:00.
    expect(nextClosing(w, at('2026-01-03T00:00:00Z'))).toEqual(at('2027-01-02T00:00:00Z'));
  });
});

describe('describeOpening', () => {
  it('reads an instant in the window zone', () => {
    expect(describeOpening(office('Europe/Berlin'), at('2026-12-07T08:00:00Z'))).toBe('Mon 2026-12-07 09:00 Europe/Berlin');
    expect(describeOpening(office('America/New_York'), at('2026-03-09T13:00:00Z'))).toBe('Mon 2026-03-09 09:00 America/New_York');
    expect(describeOpening(office('UTC'), at('2026-01-01T00:00:00Z'))).toBe('Thu 2026-01-01 00:00 UTC');
  });
});

describe('properties', () => {
  const ZONES = ['Europe/Berlin', 'America/New_York', 'UTC', 'Australia/Lord_Howe', 'America/St_Johns', 'Asia/Kolkata'] as const;
  // Offsets change near these instants in some of ZONES; instants are drawn near them often.
  const CHANGES = ['2026-03-08T07:00:00Z', '2026-03-29T01:00:00Z', '2026-04-04T15:00:00Z', '2026-10-03T16:00:00Z', '2026-10-25T01:00:00Z', '2026-11-01T06:00:00Z'].map(Date.parse);
  const START = Date.parse('2025-12-01T00:00:00Z');
  const END = Date.parse('2027-01-31T00:00:00Z');
  const hhmm = (minutes: number): string => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

  // Quarter-hour boundaries, with the small hours (where clocks change) drawn often.
  const quarter = fc.oneof(fc.integer({ min: 0, max: 95 }), fc.integer({ min: 4, max: 15 })).map((q) => q * 15);
  const weekly = fc
    .tuple(fc.subarray([...WORKDAYS, 'sat', 'sun'] as Weekday[], { minLength: 1 }), quarter, fc.integer({ min: 1, max: 96 }))
    .map(([days, from, length]) => ({ days, from: hhmm(from), to: hhmm(Math.min(from + length * 15, 1440)) }));
  const instant = fc.oneof(
    fc.integer({ min: START, max: END }),
    fc.tuple(fc.constantFrom(...CHANGES), fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 })).map(([c, d]) => c + d),
  );
  const explicit = fc
    .tuple(instant, fc.integer({ min: 15 * 60_000, max: 10 * 86_400_000 }))
    .map(([from, length]) => ({ from: new Date(from).toISOString(), to: new Date(from + length).toISOString() }));
  const windows = fc
    .record({
      timeZone: fc.constantFrom(...ZONES),
      weekly: fc.array(weekly, { maxLength: 3 }),
      explicit: fc.array(explicit, { maxLength: 2 }),
    })
    .filter((w) => w.weekly.length + w.explicit.length > 0)
    .map((w) => window(w));
  const fractions = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 8 });

  it('nextOpening returns an open instant, with the window closed just before it and at sampled instants since now', () => {
    fc.assert(
      fc.property(windows, instant, fractions, (w, nowMs, samples) => {
        const now = new Date(nowMs);
        const opening = nextOpening(w, now);
        if (opening === null) {
          expect(windowOpenAt(w, now)).toBe(false);
          expect(w.weekly ?? []).toEqual([]);
          for (const e of w.explicit ?? []) expect(Date.parse(e.to)).toBeLessThanOrEqual(nowMs);
          return;
        }
        const t = opening.getTime();
        expect(t).toBeGreaterThanOrEqual(nowMs);
        expect(windowOpenAt(w, opening)).toBe(true);
        if (t === nowMs) return;
        expect(windowOpenAt(w, now)).toBe(false);
        expect(windowOpenAt(w, new Date(t - 1))).toBe(false);
        if (t - 60_000 > nowMs) expect(windowOpenAt(w, new Date(t - 60_000))).toBe(false);
        for (const f of samples) {
          const between = Math.min(t - 1, nowMs + Math.floor(f * (t - nowMs)));
          expect(windowOpenAt(w, new Date(between)), new Date(between).toISOString()).toBe(false);
        }
      }),
      { numRuns: 400 },
    );
  }, 60_000);

  it('nextOpening is the earliest opening: a 10-minute scan from now finds nothing open before it', () => {
    // Every open stretch of these windows lasts at least 15 minutes (quarter-hour boundaries, clocks that change on
    // the half hour, explicit intervals of 15 minutes or more), so a 10-minute stride cannot step over one.
    fc.assert(
      fc.property(windows, instant, (w, nowMs) => {
        const opening = nextOpening(w, new Date(nowMs));
        const until = opening === null ? nowMs + 16 * 86_400_000 : opening.getTime();
        for (let probe = nowMs; probe < until; probe += 10 * 60_000) {
          expect(windowOpenAt(w, new Date(probe)), new Date(probe).toISOString()).toBe(false);
        }
      }),
      { numRuns: 40 },
    );
  }, 60_000);

  it('nextClosing returns a closed instant, with the window open just before it and at sampled instants since now', () => {
    fc.assert(
      fc.property(windows, instant, fractions, (w, nowMs, samples) => {
        const now = new Date(nowMs);
        const closing = nextClosing(w, now);
        if (!windowOpenAt(w, now)) {
          expect(closing).toBeNull();
          return;
        }
        if (closing === null) {
          // Only a whole-week window never closes: then it is open throughout the next fortnight.
          for (const f of samples) expect(windowOpenAt(w, new Date(nowMs + Math.floor(f * 14 * 86_400_000)))).toBe(true);
          return;
        }
        const t = closing.getTime();
        expect(t).toBeGreaterThan(nowMs);
        expect(windowOpenAt(w, closing)).toBe(false);
        expect(windowOpenAt(w, new Date(t - 1))).toBe(true);
        for (const f of samples) {
          const between = Math.min(t - 1, nowMs + Math.floor(f * (t - nowMs)));
          expect(windowOpenAt(w, new Date(between)), new Date(between).toISOString()).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  }, 60_000);
});
