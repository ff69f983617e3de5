/**
 * The policy applied (src/policy/evaluate.ts): risk rules, a gate's requirements, which approvals count, whether a
 * gate opens, which approvals may be collected, and the lines an operator reads. Policies are built by hand; public
 * keys are not parsed at this level, so every approver's key is `x`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ApprovalRecord } from '../../../machines/run-types.js';
import { Gate } from '../../../src/domain/approval.js';
import {
  admitApproval,
  describeUnmet,
  evaluateGate,
  formatSeconds,
  gateRequirements,
  matchingRiskRules,
  type RiskFacts,
  type RunApprovals,
  type Unmet,
} from '../../../src/policy/evaluate.js';
import type { PolicyRulesInput, ResolvedPolicy } from '../../../src/policy/policy.js';
import { resolvePolicy } from '../../../src/policy/resolve.js';

const NOW = new Date('2026-12-15T10:00:00Z');
const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** alice, bob and dave are in security; carol and erin in content. */
const TEAM: Readonly<Record<string, readonly string[]>> = { alice: ['security'], bob: ['security'], carol: ['content'], dave: ['security'], erin: ['content'] };

function policyOf(rules: PolicyRulesInput = {}, options: { team?: Readonly<Record<string, readonly string[]>>; allowSelfApproval?: boolean } = {}): ResolvedPolicy {
  const team = options.team ?? TEAM;
  return resolvePolicy({
    approvers: Object.fromEntries(Object.entries(team).map(([name, groups]) => [name, { publicKey: 'x', groups }])),
    rules,
    ...(options.allowSelfApproval === undefined ? {} : { allowSelfApproval: options.allowSelfApproval }),
  });
}

interface RecordOptions {
  /** Minutes from NOW; issued an hour before NOW unless given. */
  issued?: number;
  expires?: number;
  notBefore?: number;
  policyHash?: string;
  reviewDecisionId?: string;
}

/** An approval as a run keeps it; times in minutes relative to NOW. Valid from an hour ago for two hours by default. */
function approval(approver: string, gate: Gate, options: RecordOptions = {}): ApprovalRecord {
  const t = (minutes: number) => iso(NOW.getTime() + minutes * MINUTE);
  return {
    gate,
    approver,
    reason: 'reviewed',
    issuedAt: t(options.issued ?? -60),
    expiresAt: t(options.expires ?? 60),
    ...(options.notBefore === undefined ? {} : { notBefore: t(options.notBefore) }),
    ...(options.policyHash === undefined ? {} : { policyHash: options.policyHash }),
    ...(options.reviewDecisionId === undefined ? {} : { reviewDecisionId: options.reviewDecisionId }),
  };
}

function runOf(policy: ResolvedPolicy, collected: RunApprovals['collected'] = {}, options: { initiator?: string; policyHash?: string | null; approvals?: RunApprovals['approvals'] } = {}): RunApprovals {
  return { initiator: options.initiator ?? 'zoe', policyHash: options.policyHash === undefined ? policy.hash : options.policyHash, approvals: options.approvals ?? {}, collected };
}

const facts = (overrides: Partial<RiskFacts> = {}): RiskFacts => ({ rowCount: 10, retireCount: 0, revert: false, addresses: ['handbook/intro'], ...overrides });
const lines = (gate: Gate, unmet: readonly Unmet[]) => unmet.map((u) => describeUnmet(gate, u));
const OTHER_HASH = 'f'.repeat(64);

describe('matchingRiskRules', () => {
  const rule = (name: string, when: Record<string, unknown>) => ({ name, when, raise: { SG_1: { quorum: 2 } } });

  it('rowsOver holds for strictly more rows', () => {
    const { document } = policyOf({ risk: [rule('big', { rowsOver: 100 })] });
    expect(matchingRiskRules(document, facts({ rowCount: 100 }))).toEqual([]);
    expect(matchingRiskRules(document, facts({ rowCount: 101 }))).toEqual(['big']);
    expect(matchingRiskRules(policyOf({ risk: [rule('any', { rowsOver: 0 })] }).document, facts({ rowCount: 1 }))).toEqual(['any']);
  });

  it('retires holds when at least one version is retired', () => {
    const { document } = policyOf({ risk: [rule('retires', { retires: true })] });
    expect(matchingRiskRules(document, facts({ retireCount: 0 }))).toEqual([]);
    expect(matchingRiskRules(document, facts({ retireCount: 1 }))).toEqual(['retires']);
  });

  it('revert holds for a revert run only', () => {
    const { document } = policyOf({ risk: [rule('revert', { revert: true })] });
    expect(matchingRiskRules(document, facts({ revert: false }))).toEqual([]);
    expect(matchingRiskRules(document, facts({ revert: true }))).toEqual(['revert']);
  });

  it('touches matches addresses with picomatch globs', () => {
    const { document } = policyOf({ risk: [rule('legal', { touches: ['legal/**'] }), rule('top', { touches: ['handbook/*', 'faq/?'] })] });
    const matched = (...addresses: string[]) => matchingRiskRules(document, facts({ addresses }));
    expect(matched('legal/terms')).toEqual(['legal']);
    expect(matched('legal/terms/3/b')).toEqual(['legal']);
    expect(matched('legal/.hidden')).toEqual(['legal']);
    expect(matched('legalese/terms', 'x/legal/terms', 'Legal/terms')).toEqual([]);
    expect(matched('handbook/intro')).toEqual(['top']);
    expect(matched('handbook/intro/more')).toEqual([]);
    expect(matched('faq/1')).toEqual(['top']);
    expect(matched('faq/12')).toEqual([]);
    expect(matched('other/a', 'legal/a', 'handbook/b')).toEqual(['legal', 'top']);
    // Any iterable of addresses, read lazily.
    expect(matchingRiskRules(document, facts({ addresses: new Set(['legal/x']) }))).toEqual(['legal']);
  });

  it('a rule holds only when every one of its conditions holds', () => {
    const { document } = policyOf({ risk: [rule('big-legal-revert', { rowsOver: 10, touches: ['legal/**'], revert: true, retires: true })] });
    const all = { rowCount: 11, addresses: ['legal/a'], revert: true, retireCount: 1 };
    expect(matchingRiskRules(document, facts(all))).toEqual(['big-legal-revert']);
    expect(matchingRiskRules(document, facts({ ...all, rowCount: 10 }))).toEqual([]);
    expect(matchingRiskRules(document, facts({ ...all, addresses: ['handbook/a'] }))).toEqual([]);
    expect(matchingRiskRules(document, facts({ ...all, revert: false }))).toEqual([]);
    expect(matchingRiskRules(document, facts({ ...all, retireCount: 0 }))).toEqual([]);
  });
});

describe('gateRequirements', () => {
  const rules: PolicyRulesInput = {
    windows: {
      office: { timeZone: 'Europe/Berlin', weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' }] },
      freeze: { timeZone: 'UTC', explicit: [{ from: '2026-12-20T00:00:00Z', to: '2026-12-21T00:00:00Z' }] },
    },
    gates: { SG_2: { quorum: 2, groups: { security: 2, content: 1 }, windows: ['office'], approvalLifetime: { default: '2h', max: '8h' } } },
    risk: [
      { name: 'lower', when: { revert: true }, raise: { SG_2: { quorum: 1, groups: { security: 1 } } } },
      { name: 'higher', when: { retires: true }, raise: { SG_2: { quorum: 4, groups: { content: 2 }, windows: ['freeze'] } } },
      { name: 'cut-only', when: { rowsOver: 0 }, raise: { SG_1: { quorum: 3 } } },
    ],
  };

  it('is the gate\'s own rules when no risk rule holds', () => {
    expect(gateRequirements(policyOf(rules).document, Gate.Enact, [])).toEqual({
      gate: Gate.Enact,
      quorum: 2,
      groups: { security: 2, content: 1 },
      windows: [{ source: 'SG_2', anyOf: ['office'] }],
      eligible: ['alice', 'bob', 'carol', 'dave', 'erin'],
      maxLifetimeSeconds: 8 * 3600,
      defaultLifetimeSeconds: 2 * 3600,
      raisedBy: [],
    });
  });

  it('risk rules only raise: the larger quorum and group minimum win, and their windows are added', () => {
    const { document } = policyOf(rules);
    expect(gateRequirements(document, Gate.Enact, ['lower'])).toMatchObject({ quorum: 2, groups: { security: 2, content: 1 }, raisedBy: ['lower'] });
    expect(gateRequirements(document, Gate.Enact, ['lower', 'higher', 'cut-only'])).toMatchObject({
      quorum: 4,
      groups: { security: 2, content: 2 },
      windows: [{ source: 'SG_2', anyOf: ['office'] }, { source: 'higher', anyOf: ['freeze'] }],
      raisedBy: ['lower', 'higher'],
    });
    expect(gateRequirements(document, Gate.Cut, ['lower', 'higher', 'cut-only'])).toMatchObject({ quorum: 3, groups: {}, windows: [], raisedBy: ['cut-only'] });
  });

  it('lists only members of the eligible groups as eligible', () => {
    const { document } = policyOf({ gates: { SG_3: { eligibleGroups: ['content'] } } });
    expect(gateRequirements(document, Gate.Compensate, []).eligible).toEqual(['carol', 'erin']);
    expect(gateRequirements(document, Gate.Cut, []).eligible).toEqual(['alice', 'bob', 'carol', 'dave', 'erin']);
  });
});

describe('evaluateGate', () => {
  const quorum2 = policyOf({ gates: { SG_1: { quorum: 2 }, SG_2: { quorum: 2 } } });

  it('is closed below the quorum and open at it', () => {
    const none = evaluateGate(quorum2, Gate.Cut, [], runOf(quorum2), NOW);
    expect(none.open).toBe(false);
    expect(none.unmet).toEqual([{ code: 'E_APPROVAL_QUORUM', need: 2, have: [], from: ['alice', 'bob', 'carol', 'dave', 'erin'] }]);
    const one = evaluateGate(quorum2, Gate.Cut, [], runOf(quorum2, { SG_1: [approval('alice', Gate.Cut)] }), NOW);
    expect(one.open).toBe(false);
    expect(one.unmet).toEqual([{ code: 'E_APPROVAL_QUORUM', need: 2, have: ['alice'], from: ['bob', 'carol', 'dave', 'erin'] }]);
    const two = evaluateGate(quorum2, Gate.Cut, [], runOf(quorum2, { SG_1: [approval('alice', Gate.Cut), approval('carol', Gate.Cut)] }), NOW);
    expect(two).toMatchObject({ gate: Gate.Cut, open: true, unmet: [], notCounted: [] });
    expect(two.counted.map((r) => r.approver)).toEqual(['alice', 'carol']);
  });

  it('counts a candidate as if it were collected', () => {
    const run = runOf(quorum2, { SG_1: [approval('alice', Gate.Cut)] });
    expect(evaluateGate(quorum2, Gate.Cut, [], run, NOW, approval('bob', Gate.Cut)).open).toBe(true);
    expect(evaluateGate(quorum2, Gate.Cut, [], run, NOW, approval('ALICE', Gate.Cut)).open).toBe(false);
  });

  it('counts one person once, whatever the case or Unicode form of their name', () => {
    const run = runOf(quorum2, { SG_1: [approval('Alice', Gate.Cut), approval('alice', Gate.Cut), approval(' ＡＬＩＣＥ ', Gate.Cut)] });
    const evaluation = evaluateGate(quorum2, Gate.Cut, [], run, NOW);
    expect(evaluation.open).toBe(false);
    expect(evaluation.counted.map((r) => r.approver)).toEqual(['Alice']);
    expect(evaluation.notCounted).toEqual([{ approver: 'alice', why: 'same approver' }, { approver: ' ＡＬＩＣＥ ', why: 'same approver' }]);
    expect(evaluation.unmet).toEqual([{ code: 'E_APPROVAL_QUORUM', need: 2, have: ['Alice'], from: ['bob', 'carol', 'dave', 'erin'] }]);
  });

  it('does not count an expired approval, nor one not yet valid, and says why and since or until when', () => {
    const run = runOf(quorum2, {
      SG_1: [
        approval('alice', Gate.Cut, { issued: -120, expires: -1 }),
        approval('bob', Gate.Cut, { issued: -120, expires: 0 }),
        approval('carol', Gate.Cut, { notBefore: 30, expires: 120 }),
        approval('dave', Gate.Cut, { notBefore: 0, expires: 120 }),
      ],
    });
    const evaluation = evaluateGate(quorum2, Gate.Cut, [], run, NOW);
    expect(evaluation.counted.map((r) => r.approver)).toEqual(['dave']);
    expect(evaluation.notCounted).toEqual([
      { approver: 'alice', why: 'expired', at: '2026-12-15T09:59:00.000Z' },
      { approver: 'bob', why: 'expired', at: '2026-12-15T10:00:00.000Z' },
      { approver: 'carol', why: 'not yet valid', at: '2026-12-15T10:30:00.000Z' },
    ]);
    // Expired approvers may approve again; so may carol, whose approval is not valid yet (she is not counted).
    expect(evaluation.unmet).toEqual([{ code: 'E_APPROVAL_QUORUM', need: 2, have: ['dave'], from: ['alice', 'bob', 'carol', 'erin'] }]);
    // Half an hour later carol's counts.
    expect(evaluateGate(quorum2, Gate.Cut, [], run, new Date(NOW.getTime() + 30 * MINUTE)).open).toBe(true);
  });

  it('an expired approval does not hide a later valid one by the same person', () => {
    const run = runOf(quorum2, { SG_1: [approval('alice', Gate.Cut, { issued: -300, expires: -200 }), approval('Alice', Gate.Cut), approval('bob', Gate.Cut)] });
    const evaluation = evaluateGate(quorum2, Gate.Cut, [], run, NOW);
    expect(evaluation.open).toBe(true);
    expect(evaluation.counted.map((r) => r.approver)).toEqual(['Alice', 'bob']);
  });

  it('does not count an approval collected under another policy, nor one by a removed approver', () => {
    const run = runOf(quorum2, {
      SG_1: [
        approval('alice', Gate.Cut, { policyHash: OTHER_HASH }),
        approval('bob', Gate.Cut, { policyHash: quorum2.hash }),
        approval('mallory', Gate.Cut),
        approval('carol', Gate.Cut),
      ],
    });
    const evaluation = evaluateGate(quorum2, Gate.Cut, [], run, NOW);
    expect(evaluation.notCounted).toEqual([{ approver: 'alice', why: 'under another policy' }, { approver: 'mallory', why: 'no longer an approver' }]);
    expect(evaluation.counted.map((r) => r.approver)).toEqual(['bob', 'carol']);
    expect(evaluation.open).toBe(true);
  });

  it('is closed with E_POLICY_CHANGED when the run is bound to another policy, whatever it holds', () => {
    const run = runOf(quorum2, { SG_1: [approval('alice', Gate.Cut), approval('bob', Gate.Cut)] }, { policyHash: OTHER_HASH });
    const evaluation = evaluateGate(quorum2, Gate.Cut, [], run, NOW);
    expect(evaluation.open).toBe(false);
    expect(evaluation.unmet).toEqual([{ code: 'E_POLICY_CHANGED', bound: OTHER_HASH, inForce: quorum2.hash }]);
    expect(lines(Gate.Cut, evaluation.unmet)).toEqual([
      `E_POLICY_CHANGED: the run is bound to policy ffffffffffff, and the policy in force is ${quorum2.hash.slice(0, 12)}; bind it explicitly (cutter policy bind) or restore the policy`,
    ]);
    // A run stored before policies (no hash) is judged by the policy in force.
    expect(evaluateGate(quorum2, Gate.Cut, [], { ...run, policyHash: null }, NOW).open).toBe(true);
  });

  it('never offers the initiator, unless self-approval is allowed', () => {
    const run = runOf(quorum2, { SG_1: [approval('bob', Gate.Cut)] }, { initiator: 'Carol' });
    expect(evaluateGate(quorum2, Gate.Cut, [], run, NOW).unmet).toEqual([{ code: 'E_APPROVAL_QUORUM', need: 2, have: ['bob'], from: ['alice', 'dave', 'erin'] }]);
    const selfOk = policyOf({ gates: { SG_1: { quorum: 2 } } }, { allowSelfApproval: true });
    expect(evaluateGate(selfOk, Gate.Cut, [], runOf(selfOk, { SG_1: [approval('bob', Gate.Cut)] }, { initiator: 'Carol' }), NOW).unmet).toEqual([
      { code: 'E_APPROVAL_QUORUM', need: 2, have: ['bob'], from: ['alice', 'carol', 'dave', 'erin'] },
    ]);
  });

  it('does not offer who approved another gate of the run, unless allowed', () => {
    const sg1 = { SG_1: [approval('alice', Gate.Cut), approval('bob', Gate.Cut)] };
    const run = runOf(quorum2, { ...sg1, SG_2: [approval('carol', Gate.Enact)] }, { approvals: { SG_1: approval('bob', Gate.Cut) } });
    expect(evaluateGate(quorum2, Gate.Enact, [], run, NOW).unmet).toEqual([{ code: 'E_APPROVAL_QUORUM', need: 2, have: ['carol'], from: ['dave', 'erin'] }]);
    const same = policyOf({ allowSameApproverAcrossGates: true, gates: { SG_1: { quorum: 2 }, SG_2: { quorum: 2 } } });
    const sameRun = runOf(same, { ...sg1, SG_2: [approval('carol', Gate.Enact)] });
    expect(evaluateGate(same, Gate.Enact, [], sameRun, NOW).unmet).toEqual([{ code: 'E_APPROVAL_QUORUM', need: 2, have: ['carol'], from: ['alice', 'bob', 'dave', 'erin'] }]);
  });

  it('checks every group minimum among the distinct counted approvers', () => {
    const policy = policyOf({ gates: { SG_2: { quorum: 1, groups: { security: 2, content: 1 } } } });
    const at = (...names: string[]) => evaluateGate(policy, Gate.Enact, [], runOf(policy, { SG_2: names.map((n) => approval(n, Gate.Enact)) }), NOW);
    expect(at('alice').unmet).toEqual([
      { code: 'E_APPROVAL_GROUP', group: 'security', need: 2, have: ['alice'], from: ['bob', 'dave'] },
      { code: 'E_APPROVAL_GROUP', group: 'content', need: 1, have: [], from: ['carol', 'erin'] },
    ]);
    expect(at('alice', 'ALICE', 'carol').unmet).toEqual([{ code: 'E_APPROVAL_GROUP', group: 'security', need: 2, have: ['alice'], from: ['bob', 'dave'] }]);
    expect(at('alice', 'dave', 'carol').open).toBe(true);
  });

  it('opens inside any one of the gate\'s windows, and needs each risk rule\'s windows open as well', () => {
    const policy = policyOf({
      windows: {
        morning: { timeZone: 'UTC', explicit: [{ from: '2026-12-15T08:00:00Z', to: '2026-12-15T12:00:00Z' }] },
        evening: { timeZone: 'UTC', explicit: [{ from: '2026-12-15T18:00:00Z', to: '2026-12-15T22:00:00Z' }] },
        incident: { timeZone: 'UTC', explicit: [{ from: '2026-12-15T11:00:00Z', to: '2026-12-15T19:00:00Z' }] },
      },
      gates: { SG_1: { windows: ['morning', 'evening'] } },
      risk: [{ name: 'revert', when: { revert: true }, raise: { SG_1: { windows: ['incident'] } } }],
    });
    const run = runOf(policy, { SG_1: [approval('alice', Gate.Cut, { issued: -60, expires: 24 * 60 })] });
    const at = (time: string, risk: string[] = []) => evaluateGate(policy, Gate.Cut, risk, run, new Date(time));
    expect(at('2026-12-15T09:00:00Z').open).toBe(true);
    expect(at('2026-12-15T19:00:00Z').open).toBe(true);
    expect(at('2026-12-15T14:00:00Z').unmet).toEqual([
      { code: 'E_CHANGE_WINDOW_CLOSED', source: 'SG_1', windows: ['morning', 'evening'], opensAt: '2026-12-15T18:00:00.000Z', opensAtText: 'Tue 2026-12-15 18:00 UTC' },
    ]);
    // A revert needs morning or evening, and incident as well: 11:00–12:00 or 18:00–19:00.
    expect(at('2026-12-15T09:00:00Z', ['revert']).unmet).toEqual([
      { code: 'E_CHANGE_WINDOW_CLOSED', source: 'revert', windows: ['incident'], opensAt: '2026-12-15T11:00:00.000Z', opensAtText: 'Tue 2026-12-15 11:00 UTC' },
    ]);
    expect(at('2026-12-15T11:30:00Z', ['revert']).open).toBe(true);
    expect(at('2026-12-15T14:00:00Z', ['revert']).unmet.map((u) => u.code)).toEqual(['E_CHANGE_WINDOW_CLOSED']);
    expect(at('2026-12-15T18:30:00Z', ['revert']).open).toBe(true);
    const late = at('2026-12-15T20:00:00Z', ['revert']);
    expect(late.unmet).toEqual([{ code: 'E_CHANGE_WINDOW_CLOSED', source: 'revert', windows: ['incident'], opensAt: null, opensAtText: null }]);
    expect(lines(Gate.Cut, late.unmet)).toEqual(['E_CHANGE_WINDOW_CLOSED: SG_1 opens only inside incident (risk rule revert); no such window opens again']);
  });

  it('is a pure function of its arguments', () => {
    const run = runOf(quorum2, { SG_1: [approval('alice', Gate.Cut), approval('bob', Gate.Cut, { notBefore: 10 })] });
    const first = evaluateGate(quorum2, Gate.Cut, [], run, NOW);
    expect(evaluateGate(quorum2, Gate.Cut, [], run, new Date(NOW.getTime()))).toEqual(first);
    expect(first.open).toBe(false);
  });
});

describe('admitApproval', () => {
  const policy = policyOf({
    gates: {
      SG_1: { approvalLifetime: { default: '1h', max: '4h' } },
      SG_2: { quorum: 2, eligibleGroups: ['security'] },
      SG_3: { eligibleGroups: ['security', 'content'] },
    },
  });

  it('admits an approval that breaks no rule', () => {
    expect(admitApproval(policy, Gate.Cut, [], runOf(policy), approval('carol', Gate.Cut), NOW)).toBeNull();
    expect(admitApproval(policy, Gate.Cut, [], runOf(policy), approval('carol', Gate.Cut, { policyHash: policy.hash }), NOW)).toBeNull();
  });

  it('refuses every approval while the run is bound to another policy: E_POLICY_CHANGED', () => {
    const refusal = admitApproval(policy, Gate.Cut, [], runOf(policy, {}, { policyHash: OTHER_HASH }), approval('carol', Gate.Cut), NOW);
    expect(refusal?.code).toBe('E_POLICY_CHANGED');
    expect(refusal?.detail).toContain('cutter policy bind');
  });

  it('refuses an approval signed under another policy than the run\'s: E_APPROVAL_POLICY_MISMATCH', () => {
    expect(admitApproval(policy, Gate.Cut, [], runOf(policy), approval('carol', Gate.Cut, { policyHash: OTHER_HASH }), NOW)).toEqual({
      code: 'E_APPROVAL_POLICY_MISMATCH',
      detail: `the approval was signed under policy ffffffffffff, and the run is bound to ${policy.hash.slice(0, 12)}`,
    });
    // A run stored before policies is bound to the policy in force.
    expect(admitApproval(policy, Gate.Cut, [], runOf(policy, {}, { policyHash: null }), approval('carol', Gate.Cut, { policyHash: OTHER_HASH }), NOW)?.code).toBe('E_APPROVAL_POLICY_MISMATCH');
  });

  it('refuses an approval that lasts longer than the gate allows, counted from when it becomes valid: E_APPROVAL_LIFETIME', () => {
    const run = runOf(policy);
    expect(admitApproval(policy, Gate.Cut, [], run, approval('carol', Gate.Cut, { issued: 0, expires: 4 * 60 + 1 }), NOW)).toEqual({
      code: 'E_APPROVAL_LIFETIME',
      detail: 'the approval lasts 4 h 1 min; the policy allows at most 4 h at SG_1',
    });
    expect(admitApproval(policy, Gate.Cut, [], run, approval('carol', Gate.Cut, { issued: 0, expires: 4 * 60 }), NOW)).toBeNull();
    expect(admitApproval(policy, Gate.Cut, [], run, approval('carol', Gate.Cut, { issued: 0, notBefore: 120, expires: 6 * 60 }), NOW)).toBeNull();
    expect(admitApproval(policy, Gate.Cut, [], run, approval('carol', Gate.Cut, { issued: 0, notBefore: 120, expires: 6 * 60 + 1 }), NOW)?.code).toBe('E_APPROVAL_LIFETIME');
    // The default maximum is 7 days.
    expect(admitApproval(policy, Gate.Compensate, [], run, approval('carol', Gate.Compensate, { issued: 0, expires: 7 * 24 * 60 }), NOW)).toBeNull();
    expect(admitApproval(policy, Gate.Compensate, [], run, approval('carol', Gate.Compensate, { issued: 0, expires: 7 * 24 * 60 + 1 }), NOW)?.code).toBe('E_APPROVAL_LIFETIME');
  });

  it('refuses who is not in the gate\'s eligible groups: E_APPROVAL_NOT_ELIGIBLE', () => {
    const rd = { reviewDecisionId: 'RD-1' };
    expect(admitApproval(policy, Gate.Enact, [], runOf(policy), approval('carol', Gate.Enact, rd), NOW)).toEqual({
      code: 'E_APPROVAL_NOT_ELIGIBLE',
      detail: 'carol may not approve SG_2: only members of security may',
    });
    expect(admitApproval(policy, Gate.Enact, [], runOf(policy), approval('Alice', Gate.Enact, rd), NOW)).toBeNull();
    expect(admitApproval(policy, Gate.Compensate, [], runOf(policy), approval('carol', Gate.Compensate), NOW)).toBeNull();
    expect(admitApproval(policy, Gate.Cut, [], runOf(policy), approval('mallory', Gate.Cut), NOW)?.code).toBe('E_APPROVAL_NOT_ELIGIBLE');
    const evaluation = evaluateGate(policy, Gate.Enact, [], runOf(policy), NOW);
    expect(evaluation.unmet).toEqual([{ code: 'E_APPROVAL_QUORUM', need: 2, have: [], from: ['alice', 'bob', 'dave'] }]);
  });

  it('refuses a second approval by one person at one gate while the first is valid: E_APPROVAL_DUPLICATE', () => {
    const run = runOf(policy, { SG_1: [approval('alice', Gate.Cut, { expires: 30 })] });
    const refusal = admitApproval(policy, Gate.Cut, [], run, approval('ALICE', Gate.Cut), NOW);
    expect(refusal).toEqual({ code: 'E_APPROVAL_DUPLICATE', detail: 'ALICE already approved SG_1 of this run (valid until 2026-12-15T10:30:00.000Z); the policy counts distinct people' });
    // Once the first has expired, a fresh one is welcome.
    expect(admitApproval(policy, Gate.Cut, [], run, approval('alice', Gate.Cut, { issued: 30, expires: 90 }), new Date(NOW.getTime() + 30 * MINUTE))).toBeNull();
  });

  it('refuses who approved another gate of the run: E_APPROVAL_SEPARATION; unless allowSameApproverAcrossGates', () => {
    const rd = { reviewDecisionId: 'RD-1' };
    const opened = runOf(policy, {}, { approvals: { SG_1: approval('bob', Gate.Cut) } });
    expect(admitApproval(policy, Gate.Enact, [], opened, approval('Bob', Gate.Enact, rd), NOW)).toEqual({
      code: 'E_APPROVAL_SEPARATION',
      detail: 'Bob approved SG_1 of this run; the policy asks another person to approve SG_2',
    });
    const collected = runOf(policy, { SG_1: [approval('dave', Gate.Cut)] });
    expect(admitApproval(policy, Gate.Enact, [], collected, approval('dave', Gate.Enact, rd), NOW)?.code).toBe('E_APPROVAL_SEPARATION');
    expect(admitApproval(policy, Gate.Compensate, [], collected, approval('dave', Gate.Compensate), NOW)?.code).toBe('E_APPROVAL_SEPARATION');
    expect(admitApproval(policy, Gate.Enact, [], collected, approval('alice', Gate.Enact, rd), NOW)).toBeNull();

    const same = policyOf({ allowSameApproverAcrossGates: true });
    const sameRun = runOf(same, { SG_1: [approval('dave', Gate.Cut)] }, { approvals: { SG_1: approval('dave', Gate.Cut) } });
    expect(admitApproval(same, Gate.Enact, [], sameRun, approval('dave', Gate.Enact, rd), NOW)).toBeNull();
  });

  it('asks every approval at SG_2 to cite the same review decision: E_APPROVAL_REVIEW_DECISION', () => {
    const run = runOf(policy, { SG_2: [approval('alice', Gate.Enact, { reviewDecisionId: 'RD-1' })] });
    expect(admitApproval(policy, Gate.Enact, [], run, approval('bob', Gate.Enact, { reviewDecisionId: 'RD-2' }), NOW)).toEqual({
      code: 'E_APPROVAL_REVIEW_DECISION',
      detail: 'alice approved review decision RD-1; this approval cites RD-2',
    });
    expect(admitApproval(policy, Gate.Enact, [], run, approval('bob', Gate.Enact), NOW)?.detail).toBe('alice approved review decision RD-1; this approval cites none');
    expect(admitApproval(policy, Gate.Enact, [], run, approval('bob', Gate.Enact, { reviewDecisionId: 'RD-1' }), NOW)).toBeNull();
    // Once alice's approval has expired, another decision may be approved.
    const expired = runOf(policy, { SG_2: [approval('alice', Gate.Enact, { issued: -120, expires: -10, reviewDecisionId: 'RD-1' })] });
    expect(admitApproval(policy, Gate.Enact, [], expired, approval('bob', Gate.Enact, { reviewDecisionId: 'RD-2' }), NOW)).toBeNull();
  });

  it('refuses a policy whose maximum lifetime is below the default 24h unless the default is lowered too', () => {
    expect(() => policyOf({ gates: { SG_1: { approvalLifetime: { max: '2h' } } } })).toThrow(/policy\.gates\.SG_1\.approvalLifetime\.default: 24h is longer than the maximum 2h/);
  });

  it('uses the gate\'s raised requirements: a risk rule does not change who is eligible or the lifetime', () => {
    const raised = policyOf({ gates: { SG_1: { approvalLifetime: { default: '1h', max: '2h' } } }, risk: [{ name: 'r', when: { revert: true }, raise: { SG_1: { quorum: 3 } } }] });
    expect(admitApproval(raised, Gate.Cut, ['r'], runOf(raised), approval('carol', Gate.Cut, { issued: 0, expires: 121 }), NOW)?.code).toBe('E_APPROVAL_LIFETIME');
    expect(admitApproval(raised, Gate.Cut, ['r'], runOf(raised), approval('carol', Gate.Cut, { issued: 0, expires: 120 }), NOW)).toBeNull();
  });
});

describe('describeUnmet', () => {
  it('says what a group still needs and from whom', () => {
    const policy = policyOf({ gates: { SG_2: { groups: { security: 2 } } } });
    const evaluation = evaluateGate(policy, Gate.Enact, [], runOf(policy, { SG_2: [approval('alice', Gate.Enact, { reviewDecisionId: 'RD-1' })] }), NOW);
    expect(lines(Gate.Enact, evaluation.unmet)).toEqual(['E_APPROVAL_GROUP: SG_2 needs 2 of group security, has 1 (alice); 1 more from bob or dave']);
  });

  it('says what the quorum still needs, in the singular and the plural', () => {
    expect(describeUnmet(Gate.Cut, { code: 'E_APPROVAL_QUORUM', need: 1, have: [], from: ['bob'] })).toBe('E_APPROVAL_QUORUM: SG_1 needs 1 approval, has 0; 1 more from bob');
    expect(describeUnmet(Gate.Enact, { code: 'E_APPROVAL_QUORUM', need: 3, have: ['alice'], from: ['bob', 'carol', 'dave'] })).toBe(
      'E_APPROVAL_QUORUM: SG_2 needs 3 approvals, has 1 (alice); 2 more from bob, carol or dave',
    );
    expect(describeUnmet(Gate.Compensate, { code: 'E_APPROVAL_QUORUM', need: 2, have: ['alice'], from: [] })).toBe(
      'E_APPROVAL_QUORUM: SG_3 needs 2 approvals, has 1 (alice); 1 more from nobody eligible is left',
    );
    expect(describeUnmet(Gate.Cut, { code: 'E_APPROVAL_GROUP', group: 'content', need: 1, have: [], from: ['carol', 'erin'] })).toBe(
      'E_APPROVAL_GROUP: SG_1 needs 1 of group content, has 0; 1 more from carol or erin',
    );
  });

  it('says when a closed window opens, and whose window it is', () => {
    const closed = { code: 'E_CHANGE_WINDOW_CLOSED', windows: ['office', 'weekend'], opensAt: '2026-12-14T08:00:00.000Z', opensAtText: 'Mon 2026-12-14 09:00 Europe/Berlin' } as const;
    expect(describeUnmet(Gate.Enact, { ...closed, source: 'SG_2' })).toBe('E_CHANGE_WINDOW_CLOSED: SG_2 opens only inside office or weekend; it opens Mon 2026-12-14 09:00 Europe/Berlin');
    expect(describeUnmet(Gate.Enact, { ...closed, source: 'legal' })).toBe(
      'E_CHANGE_WINDOW_CLOSED: SG_2 opens only inside office or weekend (risk rule legal); it opens Mon 2026-12-14 09:00 Europe/Berlin',
    );
  });
});

describe('formatSeconds', () => {
  it.each([
    [0, '0 s'],
    [59, '59 s'],
    [60, '1 min'],
    [3600, '1 h'],
    [4 * 3600 + 30, '4 h 30 s'],
    [90_061, '1 d 1 h 1 min 1 s'],
    [7 * 86_400, '7 d'],
    [-5, '0 s'],
  ])('%d s is %s (zero units left out, so two spans never read alike)', (seconds, text) => {
    expect(formatSeconds(seconds)).toBe(text);
  });
});

describe('evaluateGate, property', () => {
  const NAMES = ['alice', 'bob', 'carol', 'dave', 'erin'] as const;
  const GROUPS = ['security', 'content', 'oncall'] as const;

  const arbitraryPolicy = fc.record({
    quorum: fc.integer({ min: 1, max: 3 }),
    memberships: fc.tuple(...NAMES.map(() => fc.subarray([...GROUPS]))),
    minimums: fc.tuple(...GROUPS.map(() => fc.integer({ min: 0, max: 3 }))),
  });
  const arbitraryApproval = fc.record({
    who: fc.integer({ min: 0, max: NAMES.length - 1 }),
    shout: fc.boolean(),
    /** Expiry, minutes from NOW; 0 is expired. Mostly valid, so that gates open often enough to matter. */
    expires: fc.oneof(fc.integer({ min: -90, max: 0 }), fc.integer({ min: 0, max: 90 }), fc.integer({ min: 1, max: 90 })),
    /** The approval counts from this instant, minutes from NOW (at NOW itself: counts). */
    notBefore: fc.option(fc.integer({ min: -30, max: 30 }), { nil: undefined, freq: 2 }),
    underOtherPolicy: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
  });

  it('opens iff the distinct valid approvers reach the quorum and every group minimum', () => {
    fc.assert(
      fc.property(arbitraryPolicy, fc.array(arbitraryApproval, { maxLength: 10, size: 'medium' }), ({ quorum, memberships, minimums }, given) => {
        const team: Record<string, readonly string[]> = Object.fromEntries(NAMES.map((name, i) => [name, memberships[i] ?? []]));
        const membersOf = (group: string) => NAMES.filter((name) => team[name]?.includes(group));
        // A minimum no more than the group's members, so the policy is one resolvePolicy accepts.
        const groups: Record<string, number> = Object.fromEntries(
          GROUPS.map((group, i): [string, number] => [group, Math.min(minimums[i] ?? 0, membersOf(group).length)]).filter(([, need]) => need > 0),
        );
        const policy = policyOf({ gates: { SG_1: { quorum, groups } } }, { team });
        const records = given.map((a) => {
          const name = NAMES[a.who] ?? 'alice';
          return approval(a.shout ? name.toUpperCase() : name, Gate.Cut, {
            issued: -120,
            expires: a.expires,
            ...(a.notBefore === undefined ? {} : { notBefore: a.notBefore }),
            ...(a.underOtherPolicy ? { policyHash: OTHER_HASH } : {}),
          });
        });
        const evaluation = evaluateGate(policy, Gate.Cut, [], runOf(policy, { SG_1: records }), NOW);

        // The expectation, from the given numbers alone.
        const valid = new Set(given.filter((a) => a.expires > 0 && (a.notBefore === undefined || a.notBefore <= 0) && !a.underOtherPolicy).map((a) => NAMES[a.who]));
        const groupsMet = Object.entries(groups).every(([group, need]) => [...valid].filter((name) => name !== undefined && membersOf(group).includes(name)).length >= need);
        const expected = valid.size >= quorum && groupsMet;

        expect(evaluation.open).toBe(expected);
        expect(evaluation.counted.length).toBe(valid.size);
        expect(evaluation.counted.length + evaluation.notCounted.length).toBe(records.length);
      }),
      { numRuns: 500 },
    );
  });
});

describe('eligibility, where a gate names eligible groups', () => {
  it('refuses up front a group minimum that only ineligible people could meet', () => {
    expect(() => policyOf({ gates: { SG_2: { eligibleGroups: ['security'], groups: { content: 1 } } } }))
      .toThrow(expect.objectContaining({ field: 'policy.gates.SG_2.groups.content' }));
  });

  it('does not count an ineligible approver toward the gate, and says why', () => {
    const policy = policyOf({ gates: { SG_2: { eligibleGroups: ['security'] } } });
    const evaluation = evaluateGate(policy, 'SG_2', [], runOf(policy), NOW, approval('carol', 'SG_2'));
    expect(evaluation.open).toBe(false);
    expect(evaluation.notCounted).toEqual([{ approver: 'carol', why: 'not eligible at this gate' }]);
  });

  it('names who may approve when a gate has no eligible groups and the approver is unknown', () => {
    const policy = policyOf();
    expect(admitApproval(policy, 'SG_1', [], runOf(policy), approval('mallory', 'SG_1'), NOW)?.detail).toBe('mallory may not approve SG_1: only configured approvers may');
  });

  it('judges a run stored before policies by the one in force, counting and admitting alike', () => {
    const policy = policyOf();
    const run = runOf(policy, {}, { policyHash: null });
    const record = approval('alice', 'SG_1', { policyHash: OTHER_HASH });
    expect(admitApproval(policy, 'SG_1', [], run, record, NOW)?.code).toBe('E_APPROVAL_POLICY_MISMATCH');
    expect(evaluateGate(policy, 'SG_1', [], runOf(policy, { SG_1: [record] }, { policyHash: null }), NOW).notCounted).toEqual([{ approver: 'alice', why: 'under another policy' }]);
  });
});
