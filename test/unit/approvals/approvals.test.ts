/** I6: forged, expired, replayed and self approvals are refused, and every refusal is kept in the run. */
import { createPrivateKey, createPublicKey, createSecretKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { assertApprovalValid, checkApproval, generateApproverKeyPair, signApproval } from '../../../src/approvals/index.js';
import type { ApprovalClaims } from '../../../src/domain/approval.js';
import { InMemoryKillSwitch } from '../../../src/kill-switch/index.js';
import { approvalFor, keys, policy } from '../../support/fixtures.js';
import { FakeLiveAdapter } from '../../support/executors.js';
import { startRun } from '../../support/drive.js';

const claims: ApprovalClaims = {
  gate: 'SG_1',
  runId: 'run-1',
  changeSetId: 'cs-1',
  planHash: 'a'.repeat(64),
  approver: 'alice',
  reason: 'reviewed',
  issuedAt: '2026-01-01T00:00:00.000Z',
  expiresAt: '2026-01-02T00:00:00.000Z',
};
const expected = { gate: 'SG_1', runId: 'run-1', changeSetId: 'cs-1', planHash: 'a'.repeat(64), initiator: 'carol' } as const;
const at = (iso: string) => ({ ...policy, now: () => new Date(iso) });
const NOON = '2026-01-01T12:00:00.000Z';

describe('checkApproval', () => {
  it('accepts a signed approval bound to this gate, run, change set and plan', () => {
    expect(checkApproval(signApproval(claims, keys.alice.privateKey), expected, at(NOON))).toMatchObject({ ok: true });
  });

  it.each([
    ['gate', { gate: 'SG_2' as const }, 'wrong-gate'],
    ['run (replayed from another run)', { runId: 'run-0' }, 'wrong-run'],
    ['change set (replayed)', { changeSetId: 'cs-0' }, 'wrong-change-set'],
    ['plan hash (stale plan)', { planHash: 'b'.repeat(64) }, 'wrong-plan-hash'],
  ])('refuses an approval for another %s', (_, override, refusal) => {
    expect(checkApproval(signApproval({ ...claims, ...override }, keys.alice.privateKey), expected, at(NOON))).toMatchObject({ ok: false, refusal });
  });

  it('refuses an expired approval, and one that expires exactly now', () => {
    const approval = signApproval(claims, keys.alice.privateKey);
    expect(checkApproval(approval, expected, at('2026-01-02T00:00:00.001Z'))).toMatchObject({ ok: false, refusal: 'expired' });
    expect(checkApproval(approval, expected, at('2026-01-02T00:00:00.000Z'))).toMatchObject({ ok: false, refusal: 'expired' });
  });

  it('signs with a parsed KeyObject as with its PEM text, and refuses a KeyObject that is not an Ed25519 private key', () => {
    const parsed = createPrivateKey(keys.alice.privateKey);
    // Ed25519 signatures are deterministic: the same key over the same bytes gives the same signature.
    expect(signApproval(claims, parsed)).toEqual(signApproval(claims, keys.alice.privateKey));
    expect(checkApproval(signApproval(claims, parsed), expected, at(NOON))).toMatchObject({ ok: true });
    const refusal = (key: KeyObject) => { try { signApproval(claims, key); } catch (error) { return error; } return undefined; };
    expect(refusal(createPublicKey(keys.alice.publicKey))).toMatchObject({ code: 'E_INVALID_INPUT', field: 'privateKeyPem', message: expect.stringContaining('public KeyObject') });
    expect(refusal(generateKeyPairSync('x25519').privateKey)).toMatchObject({ field: 'privateKeyPem', message: expect.stringContaining('X25519, not Ed25519') });
    expect(refusal(createSecretKey(Buffer.alloc(32)))).toMatchObject({ field: 'privateKeyPem', message: expect.stringContaining('secret KeyObject') });
  });

  it('refuses a forged signature: signed by another key, or claims edited after signing', () => {
    const signedByMallory = signApproval(claims, keys.mallory.privateKey);
    expect(checkApproval(signedByMallory, expected, at(NOON))).toMatchObject({ ok: false, refusal: 'bad-signature' });
    const edited = { ...signApproval(claims, keys.alice.privateKey), reason: 'edited afterwards' };
    expect(checkApproval(edited, expected, at(NOON))).toMatchObject({ ok: false, refusal: 'bad-signature' });
    const garbage = { ...signApproval(claims, keys.alice.privateKey), signature: 'bm90IGEgc2lnbmF0dXJl' };
    expect(checkApproval(garbage, expected, at(NOON))).toMatchObject({ ok: false, refusal: 'bad-signature' });
  });

  it('refuses an approver who is not configured, even with a valid signature of their own', () => {
    const approval = signApproval({ ...claims, approver: 'mallory' }, keys.mallory.privateKey);
    expect(checkApproval(approval, expected, at(NOON))).toMatchObject({ ok: false, refusal: 'unknown-approver' });
    const proto = signApproval({ ...claims, approver: 'toString' }, keys.mallory.privateKey);
    expect(checkApproval(proto, expected, at(NOON))).toMatchObject({ ok: false, refusal: 'unknown-approver' });
  });

  it('refuses self-approval by the initiator unless configuration allows it', () => {
    const own = generateApproverKeyPair();
    const selfPolicy = { approvers: { ...policy.approvers, carol: own.publicKey }, now: () => new Date(NOON) };
    const approval = signApproval({ ...claims, approver: 'carol' }, own.privateKey);
    expect(checkApproval(approval, expected, selfPolicy)).toMatchObject({ ok: false, refusal: 'self-approval' });
    expect(checkApproval(approval, expected, { ...selfPolicy, allowSelfApproval: true })).toMatchObject({ ok: true });
  });

  it('compares names in one canonical form: Carol, CAROL and full-width ｃａｒｏｌ are the initiator carol; Alice is the approver alice', () => {
    const own = generateApproverKeyPair();
    const selfPolicy = { approvers: { ...policy.approvers, Carol: own.publicKey }, now: () => new Date(NOON) };
    for (const name of ['Carol', 'CAROL', ' carol ', 'ｃａｒｏｌ']) {
      const approval = signApproval({ ...claims, approver: name }, own.privateKey);
      expect(checkApproval(approval, expected, selfPolicy), name).toMatchObject({ ok: false, refusal: 'self-approval' });
    }
    expect(checkApproval(signApproval({ ...claims, approver: 'Alice' }, keys.alice.privateKey), expected, at(NOON))).toMatchObject({ ok: true });
    expect(checkApproval(signApproval({ ...claims, approver: 'alicia' }, keys.alice.privateKey), expected, at(NOON))).toMatchObject({ ok: false, refusal: 'unknown-approver' });
  });

  it('SG_2 approvals must carry a review decision id', () => {
    const enact = { ...expected, gate: 'SG_2' as const };
    expect(checkApproval(signApproval({ ...claims, gate: 'SG_2' }, keys.alice.privateKey), enact, at(NOON))).toMatchObject({ ok: false, refusal: 'missing-review-decision' });
    expect(checkApproval(signApproval({ ...claims, gate: 'SG_2', reviewDecisionId: 'RD-1' }, keys.alice.privateKey), enact, at(NOON))).toMatchObject({ ok: true });
  });

  it('refuses an approval issued after it expires', () => {
    const backwards = signApproval({ ...claims, issuedAt: '2026-01-03T00:00:00.000Z', expiresAt: '2026-01-02T00:00:00.000Z' }, keys.alice.privateKey);
    expect(checkApproval(backwards, expected, at('2026-01-01T00:00:00.000Z'))).toMatchObject({ ok: false, refusal: 'malformed', detail: expect.stringContaining('issuedAt') });
  });

  it('refuses malformed approvals, naming the field', () => {
    expect(checkApproval({ ...signApproval(claims, keys.alice.privateKey), reason: '  ' }, expected, at(NOON))).toMatchObject({ ok: false, refusal: 'malformed', detail: expect.stringContaining('reason') });
    expect(checkApproval(null, expected, at(NOON))).toMatchObject({ ok: false, refusal: 'malformed' });
    expect(checkApproval({ ...claims }, expected, at(NOON))).toMatchObject({ ok: false, refusal: 'malformed', detail: expect.stringContaining('signature') });
  });
});

describe('approvals at a LIVE run gate', () => {
  it('each refused approval leaves the run at its gate, with the adapter untouched and the refusal recorded', async () => {
    const killSwitch = new InMemoryKillSwitch(true);
    const adapter = new FakeLiveAdapter(killSwitch);
    const { run, view } = await startRun({ mode: 'LIVE', executor: adapter, killSwitch });
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const attempts = [
      approvalFor(view, 'SG_1', 'alice', {}, 'mallory'), // forged
      approvalFor(view, 'SG_1', 'alice', { issuedAt: new Date(Date.now() - 7_200_000).toISOString(), expiresAt: hourAgo }), // expired
      approvalFor(view, 'SG_1', 'alice', { runId: 'another-run' }), // replayed
      approvalFor(view, 'SG_1', 'carol', {}, 'alice'), // self (carol started it)
    ];
    const reasons = attempts.map((a) => run.approve(a));
    expect(reasons.map((r) => (r.accepted ? 'accepted' : r.reason.split(':')[0]))).toEqual(['bad-signature', 'expired', 'wrong-run', 'self-approval']);
    expect(run.view().gate).toBe('SG_1');
    expect(run.view().context.refusals).toHaveLength(4);
    expect(adapter.calls).toEqual(['precheck']);
  });
});

describe('the reason a refusal gives (journalled and shown to the operator)', () => {
  const signed = (override: Partial<ApprovalClaims>) => signApproval({ ...claims, ...override }, keys.alice.privateKey);
  it.each([
    ['another gate', signed({ gate: 'SG_2' }), 'approval is for SG_2, this gate is SG_1'],
    ['another run', signed({ runId: 'run-0' }), 'approval is for run run-0'],
    ['another change set', signed({ changeSetId: 'cs-0' }), 'approval is for change set cs-0, not cs-1'],
    ['another plan', signed({ planHash: 'b'.repeat(64) }), 'approval is for plan bbbbbbbbbbbb, not aaaaaaaaaaaa'],
    ['an expired approval', signed({ expiresAt: '2026-01-01T06:00:00.000Z' }), 'approval expired at 2026-01-01T06:00:00.000Z'],
    ['a self-approval', signApproval({ ...claims, approver: 'carol' }, keys.alice.privateKey), 'carol started this run and may not approve it'],
    ['an unknown approver', signApproval({ ...claims, approver: 'mallory' }, keys.mallory.privateKey), 'mallory is not a configured approver'],
    ['a forged signature', signApproval(claims, keys.mallory.privateKey), 'signature does not verify for alice'],
    ['a malformed approval', { ...signed({}), approver: '' }, expect.stringMatching(/^approver: .+/) as unknown],
  ])('%s', (_, candidate, detail) => {
    expect(checkApproval(candidate, expected, at(NOON))).toEqual({ ok: false, refusal: expect.any(String) as unknown, detail });
  });

  it('names SG_2\'s missing review decision', () => {
    const enact = { ...expected, gate: 'SG_2' as const };
    expect(checkApproval(signed({ gate: 'SG_2' }), enact, at(NOON))).toMatchObject({ detail: 'SG_2 approvals must carry a reviewDecisionId' });
  });
});

describe('assertApprovalValid', () => {
  it('returns the approval when it holds, and throws the refusal with its gate and reason when not', () => {
    const approval = signApproval(claims, keys.alice.privateKey);
    expect(assertApprovalValid(approval, expected, at(NOON))).toEqual(approval);
    expect(() => assertApprovalValid(signApproval({ ...claims, runId: 'run-0' }, keys.alice.privateKey), expected, at(NOON))).toThrow(
      expect.objectContaining({ code: 'E_APPROVAL_INVALID', refusal: 'wrong-run', phase: 'SG_1', message: 'approval for gate SG_1 refused (wrong-run): approval is for run run-0' }),
    );
  });
});
