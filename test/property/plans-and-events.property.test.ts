/**
 * I13 by properties (fast-check): random malformed plans and events are rejected with an error naming the field, and
 * valid plans always pass and hash stably. Nothing is written because nothing reaches an executor: a run cannot even
 * be created from an invalid plan, and an invalid event never reaches the machine.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planHashOf } from '../../src/domain/change-set.js';
import { validateCutplan } from '../../src/domain/cutplan.js';
import { PlanLimits } from '../../src/domain/limits.js';
import { PlanInvalid, InvalidEvent } from '../../src/errors/index.js';
import { parseRunEvent } from '../../src/runner/run-events.js';
import { createRun } from '../../src/runner/create-run.js';
import { policy, samplePlan } from '../support/fixtures.js';

const segment = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,11}$/);
const address = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/'));
const text = fc.string({ minLength: 1, maxLength: 80 }).filter((t) => t.trim().length > 0 && !t.includes('\u0000'));
const validRow = fc.record({ address, title: text, body: text });
const validRows = fc.uniqueArray(validRow, { minLength: 1, maxLength: 20, selector: (r) => r.address });

/** One way to break a row, and the field the error must name. */
type Breakage = { field: string; apply: (row: Record<string, unknown>) => Record<string, unknown> };
const breaking = (field: string, apply: Breakage['apply']): fc.Arbitrary<Breakage> => fc.constant({ field, apply });
const breakages: fc.Arbitrary<Breakage> = fc.oneof(
  breaking('title', (r) => ({ ...r, title: '' })),
  breaking('title', (r) => ({ ...r, title: '   \t' })),
  breaking('title', (r) => ({ ...r, title: 'x'.repeat(PlanLimits.maxTitleChars + 1) })),
  breaking('title', (r) => ({ ...r, title: 'nul\u0000byte' })),
  breaking('title', (r) => ({ ...r, title: 42 })),
  breaking('body', (r) => ({ ...r, body: '' })),
  breaking('body', (r) => ({ ...r, body: 'a\u0000b' })),
  breaking('body', (r) => ({ ...r, body: 'lone \uD800 surrogate' })),
  breaking('title', (r) => ({ ...r, title: 'lone \uDC00' })),
  breaking('body', (r) => ({ ...r, body: 'é'.repeat(PlanLimits.maxBodyBytes / 2 + 1) })), // 1 MiB + 2 bytes of UTF-8
  breaking('body', (r) => { const { body: _body, ...rest } = r; return rest; }),
  breaking('address', (r) => ({ ...r, address: 'Upper/Case' })),
  breaking('address', (r) => ({ ...r, address: '/leading-slash' })),
  breaking('address', (r) => ({ ...r, address: 'a//b' })),
  breaking('address', (r) => ({ ...r, address: '' })),
  breaking('contentHash', (r) => ({ ...r, contentHash: 'f'.repeat(64) })),
  breaking('extra', (r) => ({ ...r, extra: true })),
);

describe('plans (property-based)', () => {
  it('valid plans validate, and their hash ignores row order', () => {
    fc.assert(fc.property(validRows, (rows) => {
      const plan = validateCutplan(rows);
      expect(plan.rows).toHaveLength(rows.length);
      expect(planHashOf(validateCutplan([...rows].reverse()))).toBe(planHashOf(plan));
    }), { numRuns: 200 });
  });

  it('a plan with one broken row is rejected naming that row and field, and no run can be made from it', () => {
    fc.assert(fc.property(validRows, fc.nat(), breakages, (rows, pick, breakage) => {
      const index = pick % rows.length;
      const broken = rows.map((r, i) => (i === index ? breakage.apply({ ...r }) : r));
      let error: unknown;
      try {
        const plan = validateCutplan(broken);
        createRun({ mode: 'DRYRUN', plan, initiator: 'carol', approvals: policy });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(PlanInvalid);
      expect((error as PlanInvalid).issues).toContainEqual(expect.objectContaining({ row: index, field: breakage.field }));
    }), { numRuns: 300 });
  });

  it('a duplicated address is rejected naming the later row and field address', () => {
    fc.assert(fc.property(validRows, fc.nat(), (rows, pick) => {
      const source = rows[pick % rows.length];
      if (source === undefined) return;
      const withDuplicate = [...rows, { ...source, title: `${source.title} again` }];
      expect(() => validateCutplan(withDuplicate)).toThrow(PlanInvalid);
      try {
        validateCutplan(withDuplicate);
      } catch (error) {
        expect((error as PlanInvalid).issues).toContainEqual(expect.objectContaining({ row: rows.length, field: 'address' }));
      }
    }), { numRuns: 200 });
  });

  it('anything that is not an array of rows is rejected at the field rows', () => {
    fc.assert(fc.property(fc.oneof(fc.constant([]), fc.object(), fc.string(), fc.integer(), fc.constant(null)), (value) => {
      expect(() => validateCutplan(value)).toThrow(expect.objectContaining({ code: 'E_PLAN_INVALID', issues: [expect.objectContaining({ field: 'rows' })] }));
    }));
  });
});

describe('events (property-based)', () => {
  const KNOWN = ['START', 'APPROVE', 'REJECT', 'CANCEL', 'RESUME', 'ESCALATE'];

  it('unknown event types are refused naming the field type', () => {
    fc.assert(fc.property(fc.string().filter((t) => !KNOWN.includes(t)), fc.dictionary(fc.string(), fc.jsonValue()), (type, rest) => {
      expect(() => parseRunEvent({ ...rest, type })).toThrow(expect.objectContaining({ code: 'E_INVALID_EVENT', field: 'type' }));
    }), { numRuns: 300 });
  });

  it('known events with a field missing, empty or of the wrong type are refused naming that field', () => {
    const cases = fc.oneof(
      fc.record({ event: fc.constant({ type: 'REJECT', gate: 'SG_1', reason: 'r' }), field: fc.constant('by') }),
      fc.record({ event: fc.constant({ type: 'REJECT', gate: 'SG_4', by: 'b', reason: 'r' }), field: fc.constant('gate') }),
      fc.record({ event: fc.constant({ type: 'CANCEL', by: 'b', reason: '  ' }), field: fc.constant('reason') }),
      fc.record({ event: fc.constant({ type: 'RESUME', by: 7 }), field: fc.constant('by') }),
      fc.record({ event: fc.constant({ type: 'APPROVE', approval: 'yes' }), field: fc.constant('approval') }),
      fc.record({ event: fc.constant({ type: 'ESCALATE', by: 'b', reason: 'r', sneaky: 1 }), field: fc.constant('sneaky') }),
    );
    fc.assert(fc.property(cases, ({ event, field }) => {
      expect(() => parseRunEvent(event)).toThrow(InvalidEvent);
      expect(() => parseRunEvent(event)).toThrow(expect.objectContaining({ field }));
    }));
  });

  it('a run given random junk events stays exactly where it was', async () => {
    const run = createRun({ mode: 'DRYRUN', plan: samplePlan(2), initiator: 'carol', approvals: policy });
    run.start();
    const before = await run.settled();
    fc.assert(fc.property(fc.jsonValue(), (junk) => {
      expect(() => run.send(junk)).toThrow(expect.objectContaining({ code: 'E_INVALID_EVENT' }));
      expect(run.view()).toEqual(before);
    }), { numRuns: 300 });
  });
});
