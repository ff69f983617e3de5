/**
 * The bad-input corpus, part 4: the public library functions that take input, called as a JavaScript caller might,
 * with `null`, `undefined` or the wrong thing. Each throws a Cutter error naming the argument (issue 18: "library
 * calls given null raise a raw TypeError"), never a TypeError from deep inside.
 */
import { describe, expect, it } from 'vitest';
import * as cutter from '../../../src/index.js';
import { CutterError } from '../../../src/errors/index.js';

const keys = cutter.generateApproverKeyPair();
const claims = {
  gate: 'SG_1', runId: 'run-1', changeSetId: 'cs-1', planHash: '0'.repeat(64), approver: 'alice', reason: 'ok',
  issuedAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 60_000).toISOString(),
} as const;
const expected = { gate: 'SG_1', runId: 'run-1', changeSetId: 'cs-1', planHash: '0'.repeat(64), initiator: 'carol' } as const;
const plan = cutter.validateCutplan([{ address: 'a/b', title: 'T', body: 'B' }]);
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- a wrong argument, typed as the parameter it is passed for
const any = <T>(value: unknown): T => value as T;

/** [call, error code, field (or a text the message holds)]. */
const calls: [string, () => unknown, string, string][] = [
  ['loadPlanSources(null)', () => cutter.loadPlanSources(any(null)), 'E_INVALID_INPUT', 'paths'],
  ['loadPlanSources([])', () => cutter.loadPlanSources([]), 'E_INVALID_INPUT', 'paths'],
  ['loadPlanSources([null])', () => cutter.loadPlanSources(any([null])), 'E_INVALID_INPUT', 'paths'],
  ['planFromMarkdown(null)', () => cutter.planFromMarkdown(any(null)), 'E_INVALID_INPUT', 'docs'],
  ['planFromMarkdown([null])', () => cutter.planFromMarkdown(any([null])), 'E_INVALID_INPUT', 'doc'],
  ['cutMarkdown(null)', () => cutter.cutMarkdown(any(null)), 'E_INVALID_INPUT', 'doc'],
  ['cutMarkdown({ documentId }) without markdown', () => cutter.cutMarkdown(any({ documentId: 'a' })), 'E_INVALID_INPUT', 'markdown'],
  ['cutMarkdown({ markdown }) without documentId', () => cutter.cutMarkdown(any({ markdown: '# A\n\nx' })), 'E_INVALID_INPUT', 'documentId'],
  ['parseRowsJson(null)', () => cutter.parseRowsJson(any(null)), 'E_INVALID_INPUT', 'text'],
  ['parseRowsNdjson(undefined)', () => cutter.parseRowsNdjson(any(undefined)), 'E_INVALID_INPUT', 'text'],
  ['parseRowsJson with "rows" twice', () => cutter.parseRowsJson('{"rows":[],"rows":[]}'), 'E_PLAN_INVALID', 'rows'],
  ['planFromRows(null)', () => cutter.planFromRows(null), 'E_PLAN_INVALID', 'rows'],
  ['validateCutplan(undefined)', () => cutter.validateCutplan(undefined), 'E_PLAN_INVALID', 'rows'],
  ['planHashOf(null)', () => cutter.planHashOf(any(null)), 'E_INVALID_INPUT', 'plan'],
  ['pinChangeSet(null)', () => cutter.pinChangeSet(any(null), 'run-1'), 'E_INVALID_INPUT', 'plan'],
  ['contentHashOf(null, body)', () => cutter.contentHashOf(any(null), 'B'), 'E_INVALID_INPUT', 'title'],
  ['signApproval(null, key)', () => cutter.signApproval(any(null), keys.privateKey), 'E_INVALID_INPUT', 'claims'],
  ['signApproval(claims, null)', () => cutter.signApproval(claims, any(null)), 'E_INVALID_INPUT', 'privateKeyPem'],
  ['signApproval(claims, a public key)', () => cutter.signApproval(claims, keys.publicKey), 'E_INVALID_INPUT', 'privateKeyPem'],
  ['checkApproval(x, null, policy)', () => cutter.checkApproval({}, any(null), { approvers: {} }), 'E_INVALID_INPUT', 'expected'],
  ['checkApproval(x, expected, null)', () => cutter.checkApproval({}, expected, any(null)), 'E_INVALID_INPUT', 'policy'],
  ['classifyPlan(null, plan)', () => cutter.classifyPlan(any(null), plan), 'E_INVALID_INPUT', 'provider'],
  ['openEmbeddedDatabase(null)', () => cutter.openEmbeddedDatabase(any(null)), 'E_INVALID_INPUT', 'dataDir'],
  ['openEmbeddedDatabase("/dev/null")', () => cutter.openEmbeddedDatabase('/dev/null'), 'E_INVALID_INPUT', 'dataDir'],
  ['createRun(null)', () => cutter.createRun(any(null)), 'E_INVALID_INPUT', 'options'],
  ['createDurableRun(null)', () => cutter.createDurableRun(any(null)), 'E_INVALID_INPUT', 'options'],
  ['restoreRun(null)', () => cutter.restoreRun(any(null)), 'E_INVALID_INPUT', 'options'],
  ['parseRunEvent(null)', () => cutter.parseRunEvent(null), 'E_INVALID_EVENT', 'type'],
];

describe('library calls given null or the wrong thing throw a named Cutter error', () => {
  it.each(calls)('%s', async (_name, call, code, field) => {
    let thrown: unknown;
    try {
      await call();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CutterError);
    expect((thrown as CutterError).code).toBe(code);
    const named = (thrown as { field?: string; issues?: readonly { field: string }[] });
    expect([named.field, ...(named.issues ?? []).map((i) => i.field), (thrown as Error).message].join(' ')).toContain(field);
  });

  it('a malformed candidate approval is a refusal, not a throw: checkApproval judges it', () => {
    expect(cutter.checkApproval(null, expected, { approvers: {} })).toMatchObject({ ok: false });
  });
});
