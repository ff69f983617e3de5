/** The breakdown's arithmetic (bench/breakdown-report.ts): medians, what triggers and indexes cost, per-IU figures. */
import { describe, expect, it } from 'vitest';
import { Step, Variant, type StepFigures } from '../../../bench/breakdown-phases.js';
import { formatSummary, median, medianOf, summarize } from '../../../bench/breakdown-report.js';

const zero = {
  wallMs: 0, cpuMs: 0, cpuSchedMs: 0, cpuWaitMs: 0, clientCpuMs: 0, walServerBytes: 0, walOwnBytes: 0, walOwnRecords: 0, walOwnFpiBytes: 0,
  queryBytes: 0, copyBytes: 0, writeSyscallBytes: 0, readSyscallBytes: 0, statements: 0, sessions: 1,
};
const sample = (step: Step, variant: Variant, over: Partial<StepFigures>): StepFigures => ({ ...zero, step, variant, ...over });

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

describe('summarize', () => {
  const samples: StepFigures[] = [
    // The cut, three repetitions as-is (the median is the middle one, not the mean), one per variant.
    sample(Step.Cut, Variant.AsIs, { wallMs: 100, cpuMs: 60, walOwnBytes: 5000, walOwnRecords: 30 }),
    sample(Step.Cut, Variant.AsIs, { wallMs: 900, cpuMs: 80, walOwnBytes: 5000, walOwnRecords: 30 }),
    sample(Step.Cut, Variant.AsIs, { wallMs: 110, cpuMs: 70, walOwnBytes: 5000, walOwnRecords: 30 }),
    sample(Step.Cut, Variant.NoTriggers, { wallMs: 90, cpuMs: 50, walOwnBytes: 4000, walOwnRecords: 20 }),
    sample(Step.Cut, Variant.Bare, { wallMs: 70, cpuMs: 30, walOwnBytes: 3000, walOwnRecords: 10 }),
    sample(Step.Enact, Variant.AsIs, { wallMs: 40, cpuMs: 30, walOwnBytes: 1000, walOwnRecords: 10, queryBytes: 500 }),
    // The floor is not a LIVE phase: it must not count in the LIVE sums.
    sample(Step.Floor, Variant.AsIs, { wallMs: 1e6, cpuMs: 1e6, walOwnBytes: 1e9 }),
  ];

  it('takes each metric\'s median per step and variant', () => {
    expect(medianOf(samples, Step.Cut, Variant.AsIs)).toMatchObject({ wallMs: 110, cpuMs: 70 });
    expect(medianOf(samples, Step.Ledger, Variant.AsIs)).toBeUndefined();
  });

  it('charges triggers with as-is − no triggers, and indexes with no triggers − bare', () => {
    const cut = summarize(samples, 10).steps.find((s) => s.step === Step.Cut);
    expect(cut?.triggers).toMatchObject({ wallMs: 20, cpuMs: 20, walOwnBytes: 1000, walOwnRecords: 10 });
    expect(cut?.indexes).toMatchObject({ wallMs: 20, cpuMs: 20, walOwnBytes: 1000, walOwnRecords: 10 });
  });

  it('leaves the differences out where a variant was not measured', () => {
    const enact = summarize(samples, 10).steps.find((s) => s.step === Step.Enact);
    expect(enact?.triggers).toBeNull();
    expect(enact?.indexes).toBeNull();
  });

  it('sums only the LIVE phases, and divides them by N', () => {
    const summary = summarize(samples, 10);
    expect(summary.live).toMatchObject({ wallMs: 150, cpuMs: 100, walOwnBytes: 6000, walOwnRecords: 40, queryBytes: 500 });
    expect(summary.perIU).toEqual({ walBytes: 600, walNoFpiBytes: 600, walRecords: 4, cpuMicros: 10_000, sentBytes: 50, wallMicros: 15_000, rowsPerCoreSecond: 100 });
  });

  it('prints a line per step and the per-IU figures', () => {
    const text = formatSummary(summarize(samples, 10));
    expect(text).toContain('cutLegA (from the pin)');
    expect(text).toContain('100 IUs per server-core-second');
    expect(text.split('\n')).toHaveLength(4 + 3 + 1 + 1);
  });
});

describe('summarize with the narrow layouts', () => {
  const samples: StepFigures[] = [
    sample(Step.Floor, Variant.AsIs, { wallMs: 100 }),
    sample(Step.Floor, Variant.AsIs, { wallMs: 300 }),
    sample(Step.Floor, Variant.Narrow, { wallMs: 200 }),
    sample(Step.Floor, Variant.NarrowBare, { wallMs: 250 }),
    // Not a layout: its floor is left out of theirs.
    sample(Step.Floor, Variant.NoTriggers, { wallMs: 9000 }),
    sample(Step.Staging, Variant.AsIs, { wallMs: 50 }),
    sample(Step.Cut, Variant.AsIs, { wallMs: 150, walOwnBytes: 3 * 1024 * 1024 }),
    sample(Step.Cut, Variant.Narrow, { wallMs: 60, walOwnBytes: 1024 * 1024 }),
    sample(Step.Cut, Variant.NarrowBare, { wallMs: 45 }),
    sample(Step.Enact, Variant.AsIs, { wallMs: 250 }),
    sample(Step.Enact, Variant.Narrow, { wallMs: 40 }),
  ];

  it('take the pin off the whole run, once, for a streamed run that writes it as it plans', () => {
    const withPin = [...samples, sample(Step.Pin, Variant.AsIs, { wallMs: 90, walOwnBytes: 2 * 1024 * 1024 }), sample(Step.Pin, Variant.Narrow, { wallMs: 40 })];
    const lines = formatSummary(summarize(withPin.filter((s) => s.variant !== Variant.NarrowBare), 10)).split('\n');
    expect(lines.findLast((l) => l.startsWith('planning + phases after the pin'))?.split(/\s{2,}/).slice(1))
      .toEqual(['450', '2.25x', '3.0', '150', '0.75x', '1.0']);
    expect(lines.findLast((l) => l.startsWith('planning + LIVE phases'))?.split(/\s{2,}/).slice(1))
      .toEqual(['540', '2.70x', '5.0', '190', '0.95x', '1.0']);
  });

  it('are absent when no narrow layout was measured', () => {
    expect(summarize(samples.filter((s) => s.variant === Variant.AsIs || s.variant === Variant.NoTriggers), 10).layouts).toBeNull();
  });

  it('compare the layouts measured, as-is first, with the median of every floor of theirs, each LIVE sum its own', () => {
    const { layouts } = summarize(samples, 10);
    expect(layouts?.floorMs).toBe(225);
    expect(layouts?.variants.map((v) => v.variant)).toEqual([Variant.AsIs, Variant.Narrow, Variant.NarrowBare]);
    expect(layouts?.variants.map((v) => v.live.wallMs)).toEqual([400, 100, 45]);
    expect(layouts?.variants[1]?.steps.map((s) => s.step)).toEqual([Step.Floor, Step.Cut, Step.Enact]);
  });

  it('print each step as a multiple of that floor, a dash where a layout lacks it, and the whole run with the as-is planning', () => {
    const lines = formatSummary(summarize(samples.filter((s) => s.variant !== Variant.NarrowBare), 10)).split('\n');
    // The layouts' table comes last: the as-is table above it has a line per step too.
    const line = (label: string) => lines.findLast((l) => l.startsWith(label))?.split(/\s{2,}/).slice(1);
    expect(line('cutLegA')).toEqual(['150', '0.75x', '3.0', '60', '0.30x', '1.0']);
    expect(line('LIVE phases')).toEqual(['400', '2.00x', '3.0', '100', '0.50x', '1.0']);
    expect(line('planning + LIVE phases')).toEqual(['450', '2.25x', '3.0', '150', '0.75x', '1.0']);
    // No pin was measured here, so nothing is taken off.
    expect(line('planning + phases after the pin')).toEqual(['450', '2.25x', '3.0', '150', '0.75x', '1.0']);
    expect(formatSummary(summarize(samples, 10)).split('\n').findLast((l) => l.startsWith('lifecycleEnact'))?.split(/\s{2,}/).slice(1))
      .toEqual(['250', '1.11x', '0.0', '40', '0.18x', '0.0', '-', '-', '-']);
  });
});
