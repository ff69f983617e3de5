/**
 * The example policies in examples/policies: each loads as a complete configuration, and does what
 * docs/operations.md ("Approval policy") says it does. A broken copy of each is refused with the field named.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApprovalRecord } from '../../../machines/run-types.js';
import { loadConfig, type CutterConfig } from '../../../src/config/config.js';
import { Gate } from '../../../src/domain/approval.js';
import { InvalidInput } from '../../../src/errors/index.js';
import { admitApproval, describeUnmet, evaluateGate, gateRequirements, matchingRiskRules, type RiskFacts, type RunApprovals } from '../../../src/policy/evaluate.js';
import { resolvePolicy } from '../../../src/policy/resolve.js';
import type { ResolvedPolicy } from '../../../src/policy/policy.js';

const EXAMPLES = fileURLToPath(new URL('../../../examples/policies/', import.meta.url));
const HOUR = 3_600_000;

async function load(name: string): Promise<{ config: CutterConfig; policy: ResolvedPolicy }> {
  const config = await loadConfig(join(EXAMPLES, `${name}.json`), {});
  return { config, policy: resolvePolicy(config.approvalPolicy) };
}

/** An approval as the run keeps it, signed `issuedHoursBefore` before `now` and lasting `hours`. */
function approval(approver: string, gate: Gate, now: Date, options: { hours?: number; issuedHoursBefore?: number; policyHash?: string; reviewDecisionId?: string } = {}): ApprovalRecord {
  const issued = now.getTime() - (options.issuedHoursBefore ?? 1) * HOUR;
  return {
    gate,
    approver,
    reason: `${approver} checked it`,
    issuedAt: new Date(issued).toISOString(),
    expiresAt: new Date(issued + (options.hours ?? 2) * HOUR).toISOString(),
    ...(options.policyHash === undefined ? {} : { policyHash: options.policyHash }),
    ...(options.reviewDecisionId === undefined ? {} : { reviewDecisionId: options.reviewDecisionId }),
  };
}

function runOf(policy: ResolvedPolicy, initiator: string, collected: RunApprovals['collected'] = {}, approvals: RunApprovals['approvals'] = {}): RunApprovals {
  return { initiator, policyHash: policy.hash, approvals, collected };
}

const facts = (overrides: Partial<RiskFacts> = {}): RiskFacts => ({ rowCount: 10, retireCount: 0, revert: false, addresses: ['handbook/intro'], ...overrides });
const codes = (unmet: readonly { code: string }[]) => unmet.map((u) => u.code);

describe('examples/policies/small-team.json', () => {
  let policy: ResolvedPolicy;
  let config: CutterConfig;
  beforeAll(async () => ({ config, policy } = await load('small-team')));
  const now = new Date('2026-12-12T15:00:00Z');

  it('loads three approvers, their public keys read from keys/, and a snapshot backup', () => {
    expect(Object.keys(config.approvers)).toEqual(['alice', 'bob', 'carol']);
    for (const pem of Object.values(config.approvers)) expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=]{60}\n-----END PUBLIC KEY-----\n$/);
    expect(config.backup).toEqual({ kind: 'snapshot' });
    expect(config.allowSelfApproval).toBe(false);
  });

  it('only spells out the defaults: its hash is that of an empty policy with the same approvers', () => {
    expect(resolvePolicy({ approvers: config.approvalPolicy.approvers, rules: {} }).hash).toBe(policy.hash);
    for (const gate of Object.values(Gate)) {
      expect(gateRequirements(policy.document, gate, [])).toMatchObject({ quorum: 1, groups: {}, windows: [], eligible: ['alice', 'bob', 'carol'], defaultLifetimeSeconds: 86_400, maxLifetimeSeconds: 7 * 86_400 });
    }
  });

  it('opens SG_1 with one approval by someone other than the initiator', () => {
    const waiting = evaluateGate(policy, Gate.Cut, [], runOf(policy, 'alice'), now);
    expect(waiting.open).toBe(false);
    expect(waiting.unmet.map((u) => describeUnmet(Gate.Cut, u))).toEqual(['E_APPROVAL_QUORUM: SG_1 needs 1 approval, has 0; 1 more from bob or carol']);
    expect(evaluateGate(policy, Gate.Cut, [], runOf(policy, 'alice', { SG_1: [approval('bob', Gate.Cut, now)] }), now).open).toBe(true);
  });

  it('asks another person at SG_2 than the one who approved SG_1', () => {
    const run = runOf(policy, 'alice', { SG_1: [approval('bob', Gate.Cut, now)] }, { SG_1: approval('bob', Gate.Cut, now) });
    expect(admitApproval(policy, Gate.Enact, [], run, approval('Bob', Gate.Enact, now, { reviewDecisionId: 'RD-1' }), now)?.code).toBe('E_APPROVAL_SEPARATION');
    expect(admitApproval(policy, Gate.Enact, [], run, approval('carol', Gate.Enact, now, { reviewDecisionId: 'RD-1' }), now)).toBeNull();
    expect(evaluateGate(policy, Gate.Enact, [], run, now).unmet).toEqual([{ code: 'E_APPROVAL_QUORUM', need: 1, have: [], from: ['carol'] }]);
  });

  it('refuses an approval that lasts longer than 7 days', () => {
    const run = runOf(policy, 'alice');
    expect(admitApproval(policy, Gate.Cut, [], run, approval('bob', Gate.Cut, now, { hours: 7 * 24 + 1 }), now)).toEqual({ code: 'E_APPROVAL_LIFETIME', detail: 'the approval lasts 7 d 1 h; the policy allows at most 7 d at SG_1' });
    expect(admitApproval(policy, Gate.Cut, [], run, approval('bob', Gate.Cut, now, { hours: 7 * 24 }), now)).toBeNull();
  });

  it('has nobody left for SG_3 once the initiator and two others have approved SG_1 and SG_2', () => {
    const run = runOf(policy, 'alice', { SG_1: [approval('bob', Gate.Cut, now)], SG_2: [approval('carol', Gate.Enact, now)] }, { SG_1: approval('bob', Gate.Cut, now) });
    const evaluation = evaluateGate(policy, Gate.Compensate, [], run, now);
    expect(evaluation.unmet.map((u) => describeUnmet(Gate.Compensate, u))).toEqual(['E_APPROVAL_QUORUM: SG_3 needs 1 approval, has 0; 1 more from nobody eligible is left']);
  });
});

describe('examples/policies/regulated-content.json', () => {
  let policy: ResolvedPolicy;
  beforeAll(async () => ({ policy } = await load('regulated-content')));
  /** Tuesday 2026-12-15 10:00 in Berlin: inside business hours. */
  const tuesday = new Date('2026-12-15T10:00:00+01:00');
  /** Saturday 2026-12-12 11:00 in Berlin. */
  const saturday = new Date('2026-12-12T11:00:00+01:00');
  /** SG_1 approved by alice (security) and dave (content); frank (content) started the run. */
  const cutApproved = (now: Date, sg2: readonly ApprovalRecord[] = []): RunApprovals =>
    runOf(policy, 'frank', { SG_1: [approval('alice', Gate.Cut, now, { issuedHoursBefore: 24, hours: 48 }), approval('dave', Gate.Cut, now, { issuedHoursBefore: 24, hours: 48 })], SG_2: sg2 }, { SG_1: approval('dave', Gate.Cut, now, { issuedHoursBefore: 24, hours: 48 }) });
  const sg2 = (approver: string, now: Date) => approval(approver, Gate.Enact, now, { hours: 72, issuedHoursBefore: 1, reviewDecisionId: 'RD-7' });

  it('puts alice, bob and carol in security, dave, erin and frank in content', () => {
    expect(Object.fromEntries(Object.entries(policy.document.approvers).map(([name, a]) => [name, a.groups]))).toEqual({
      alice: ['security'], bob: ['security'], carol: ['security'], dave: ['content'], erin: ['content'], frank: ['content'],
    });
  });

  it('SG_1 needs two approvers, one of them from content, at any hour', () => {
    const at = (names: string[]) => evaluateGate(policy, Gate.Cut, [], runOf(policy, 'frank', { SG_1: names.map((n) => approval(n, Gate.Cut, saturday)) }), saturday);
    expect(codes(at(['dave']).unmet)).toEqual(['E_APPROVAL_QUORUM']);
    expect(at(['alice', 'bob']).unmet).toEqual([{ code: 'E_APPROVAL_GROUP', group: 'content', need: 1, have: [], from: ['dave', 'erin'] }]);
    expect(at(['alice', 'dave']).open).toBe(true);
  });

  it('SG_2 with alice (security) only misses content', () => {
    const evaluation = evaluateGate(policy, Gate.Enact, [], runOf(policy, 'frank', { SG_2: [sg2('alice', tuesday)] }), tuesday);
    expect(evaluation.open).toBe(false);
    expect(evaluation.unmet.find((u) => u.code === 'E_APPROVAL_GROUP')).toEqual({ code: 'E_APPROVAL_GROUP', group: 'content', need: 1, have: [], from: ['dave', 'erin'] });
    expect(evaluation.unmet.map((u) => describeUnmet(Gate.Enact, u))).toEqual([
      'E_APPROVAL_QUORUM: SG_2 needs 2 approvals, has 1 (alice); 1 more from bob, carol, dave or erin',
      'E_APPROVAL_GROUP: SG_2 needs 1 of group content, has 0; 1 more from dave or erin',
    ]);
  });

  it('SG_2 is closed on Saturday, and says it opens Monday 09:00 in Berlin', () => {
    const run = cutApproved(saturday, [sg2('bob', saturday), sg2('erin', saturday)]);
    const evaluation = evaluateGate(policy, Gate.Enact, [], run, saturday);
    expect(evaluation.counted.map((r) => r.approver)).toEqual(['bob', 'erin']);
    expect(evaluation.unmet).toEqual([
      { code: 'E_CHANGE_WINDOW_CLOSED', source: 'SG_2', windows: ['business-hours'], opensAt: '2026-12-14T08:00:00.000Z', opensAtText: 'Mon 2026-12-14 09:00 Europe/Berlin' },
    ]);
    expect(describeUnmet(Gate.Enact, evaluation.unmet[0] ?? { code: 'E_APPROVAL_QUORUM', need: 0, have: [], from: [] })).toBe(
      'E_CHANGE_WINDOW_CLOSED: SG_2 opens only inside business-hours; it opens Mon 2026-12-14 09:00 Europe/Berlin',
    );
    // The same approvals, still valid, open the gate on Monday at 09:00 and not a minute before.
    expect(evaluateGate(policy, Gate.Enact, [], run, new Date('2026-12-14T08:59:00+01:00')).open).toBe(false);
    expect(evaluateGate(policy, Gate.Enact, [], run, new Date('2026-12-14T09:00:00+01:00')).open).toBe(true);
    expect(evaluateGate(policy, Gate.Enact, [], run, new Date('2026-12-14T17:00:00+01:00')).open).toBe(false);
  });

  it('a change set of 1500 rows raises SG_2 to three approvers; 1000 rows does not', () => {
    expect(matchingRiskRules(policy.document, facts({ rowCount: 1000 }))).toEqual([]);
    const risk = matchingRiskRules(policy.document, facts({ rowCount: 1500 }));
    expect(risk).toEqual(['large-change']);
    expect(gateRequirements(policy.document, Gate.Enact, risk)).toMatchObject({ quorum: 3, groups: { security: 1, content: 1 }, raisedBy: ['large-change'] });
    expect(gateRequirements(policy.document, Gate.Cut, risk)).toMatchObject({ quorum: 2, raisedBy: [] });
    const two = cutApproved(tuesday, [sg2('bob', tuesday), sg2('erin', tuesday)]);
    expect(evaluateGate(policy, Gate.Enact, [], two, tuesday).open).toBe(true);
    expect(evaluateGate(policy, Gate.Enact, risk, two, tuesday).unmet).toEqual([{ code: 'E_APPROVAL_QUORUM', need: 3, have: ['bob', 'erin'], from: ['carol'] }]);
    const three = cutApproved(tuesday, [sg2('bob', tuesday), sg2('erin', tuesday), sg2('carol', tuesday)]);
    expect(evaluateGate(policy, Gate.Enact, risk, three, tuesday).open).toBe(true);
  });

  it('a change set under legal/ needs two of security at SG_2', () => {
    const risk = matchingRiskRules(policy.document, facts({ addresses: ['handbook/intro', 'legal/terms/3'] }));
    expect(risk).toEqual(['legal-content']);
    expect(matchingRiskRules(policy.document, facts({ addresses: ['legalese/a', 'handbook/legal/a'] }))).toEqual([]);
    const run = cutApproved(tuesday, [sg2('bob', tuesday), sg2('erin', tuesday)]);
    const evaluation = evaluateGate(policy, Gate.Enact, risk, run, tuesday);
    expect(evaluation.unmet.map((u) => describeUnmet(Gate.Enact, u))).toEqual(['E_APPROVAL_GROUP: SG_2 needs 2 of group security, has 1 (bob); 1 more from carol']);
    expect(evaluateGate(policy, Gate.Enact, risk, cutApproved(tuesday, [sg2('bob', tuesday), sg2('erin', tuesday), sg2('carol', tuesday)]), tuesday).open).toBe(true);
  });

  it('a retirement keeps SG_1 at two approvers (a floor under the gate\'s own quorum)', () => {
    const risk = matchingRiskRules(policy.document, facts({ retireCount: 1 }));
    expect(risk).toEqual(['retirement']);
    expect(gateRequirements(policy.document, Gate.Cut, risk)).toMatchObject({ quorum: 2, groups: { content: 1 }, raisedBy: ['retirement'] });
  });

  it('combines every rule that holds: 1500 rows under legal/ with a retirement', () => {
    const risk = matchingRiskRules(policy.document, facts({ rowCount: 1500, retireCount: 2, addresses: ['legal/a'] }));
    expect(risk).toEqual(['large-change', 'legal-content', 'retirement']);
    expect(gateRequirements(policy.document, Gate.Enact, risk)).toMatchObject({ quorum: 3, groups: { security: 2, content: 1 }, windows: [{ source: 'SG_2', anyOf: ['business-hours'] }] });
  });
});

describe('examples/policies/emergency-revert.json', () => {
  let policy: ResolvedPolicy;
  beforeAll(async () => ({ policy } = await load('emergency-revert')));
  const revert = () => matchingRiskRules(policy.document, facts({ revert: true }));
  /** Before the incident window (22:00–03:00 Berlin, 14–15 December 2026). */
  const before = new Date('2026-12-14T13:00:00+01:00');
  const inside = new Date('2026-12-14T23:30:00+01:00');
  const after = new Date('2026-12-15T03:00:00+01:00');
  const cut = (names: string[], now: Date) => runOf(policy, 'bob', { SG_1: names.map((n) => approval(n, Gate.Cut, now, { issuedHoursBefore: 0.5 })) });

  it('an ordinary run needs one approval at any time', () => {
    expect(matchingRiskRules(policy.document, facts())).toEqual([]);
    expect(evaluateGate(policy, Gate.Cut, [], cut(['alice'], before), before).open).toBe(true);
  });

  it('a revert needs two approvers at SG_1 and SG_2, one of them on call, inside incident-4711', () => {
    expect(revert()).toEqual(['emergency-revert']);
    for (const gate of [Gate.Cut, Gate.Enact]) {
      expect(gateRequirements(policy.document, gate, revert())).toMatchObject({ quorum: 2, groups: { oncall: 1 }, windows: [{ source: 'emergency-revert', anyOf: ['incident-4711'] }], defaultLifetimeSeconds: 7200, maxLifetimeSeconds: 14_400 });
    }
    expect(gateRequirements(policy.document, Gate.Compensate, revert())).toMatchObject({ quorum: 1, windows: [], raisedBy: [] });
  });

  it('a revert outside the incident window is closed, with the window\'s opening named', () => {
    const evaluation = evaluateGate(policy, Gate.Cut, revert(), cut(['alice', 'carol'], before), before);
    expect(evaluation.unmet).toEqual([
      { code: 'E_CHANGE_WINDOW_CLOSED', source: 'emergency-revert', windows: ['incident-4711'], opensAt: '2026-12-14T21:00:00.000Z', opensAtText: 'Mon 2026-12-14 22:00 Europe/Berlin' },
    ]);
    expect(describeUnmet(Gate.Cut, evaluation.unmet[0] ?? { code: 'E_APPROVAL_QUORUM', need: 0, have: [], from: [] })).toBe(
      'E_CHANGE_WINDOW_CLOSED: SG_1 opens only inside incident-4711 (risk rule emergency-revert); it opens Mon 2026-12-14 22:00 Europe/Berlin',
    );
    const late = evaluateGate(policy, Gate.Cut, revert(), cut(['alice', 'carol'], after), after);
    expect(late.unmet).toEqual([{ code: 'E_CHANGE_WINDOW_CLOSED', source: 'emergency-revert', windows: ['incident-4711'], opensAt: null, opensAtText: null }]);
    expect(describeUnmet(Gate.Cut, late.unmet[0] ?? { code: 'E_APPROVAL_QUORUM', need: 0, have: [], from: [] })).toMatch(/no such window opens again$/);
  });

  it('inside the window, two approvers including one on call open it; two without on call do not', () => {
    expect(evaluateGate(policy, Gate.Cut, revert(), cut(['alice', 'carol'], inside), inside).open).toBe(true);
    expect(evaluateGate(policy, Gate.Cut, revert(), cut(['carol'], inside), inside).unmet.map((u) => describeUnmet(Gate.Cut, u))).toEqual([
      'E_APPROVAL_QUORUM: SG_1 needs 2 approvals, has 1 (carol); 1 more from alice, dave or erin',
    ]);
    expect(evaluateGate(policy, Gate.Cut, revert(), cut(['alice', 'erin'], inside), inside).open).toBe(true);
    const noOncall = evaluateGate(policy, Gate.Cut, revert(), runOf(policy, 'dave', { SG_1: [approval('alice', Gate.Cut, inside), approval('bob', Gate.Cut, inside)] }), inside);
    expect(noOncall.unmet).toEqual([{ code: 'E_APPROVAL_GROUP', group: 'oncall', need: 1, have: [], from: ['carol', 'erin'] }]);
  });

  it('SG_2 of the revert needs two other people, one of them on call', () => {
    const run = runOf(policy, 'bob', { SG_1: [approval('alice', Gate.Cut, inside), approval('carol', Gate.Cut, inside)] }, { SG_1: approval('carol', Gate.Cut, inside) });
    expect(evaluateGate(policy, Gate.Enact, revert(), run, inside).unmet.map((u) => describeUnmet(Gate.Enact, u))).toEqual([
      'E_APPROVAL_QUORUM: SG_2 needs 2 approvals, has 0; 2 more from dave or erin',
      'E_APPROVAL_GROUP: SG_2 needs 1 of group oncall, has 0; 1 more from dave or erin',
    ]);
    expect(admitApproval(policy, Gate.Enact, revert(), run, approval('carol', Gate.Enact, inside, { reviewDecisionId: 'INC-4711' }), inside)?.code).toBe('E_APPROVAL_SEPARATION');
    const sg2 = ['dave', 'erin'].map((n) => approval(n, Gate.Enact, inside, { reviewDecisionId: 'INC-4711' }));
    expect(evaluateGate(policy, Gate.Enact, revert(), { ...run, collected: { ...run.collected, SG_2: sg2 } }, inside).open).toBe(true);
  });

  it('refuses an approval that lasts 5 hours at SG_1 and SG_2, and admits 4 hours', () => {
    const run = runOf(policy, 'bob');
    for (const gate of [Gate.Cut, Gate.Enact]) {
      const five = approval('alice', gate, inside, { hours: 5, reviewDecisionId: 'INC-4711' });
      expect(admitApproval(policy, gate, revert(), run, five, inside)).toEqual({ code: 'E_APPROVAL_LIFETIME', detail: `the approval lasts 5 h; the policy allows at most 4 h at ${gate}` });
      expect(admitApproval(policy, gate, revert(), run, approval('alice', gate, inside, { hours: 4, reviewDecisionId: 'INC-4711' }), inside)).toBeNull();
    }
    expect(admitApproval(policy, Gate.Compensate, revert(), run, approval('alice', Gate.Compensate, inside, { hours: 5 }), inside)).toBeNull();
  });
});

describe('a broken copy of an example', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cutter-policy-examples-'));
    await cp(join(EXAMPLES, 'keys'), join(dir, 'keys'), { recursive: true });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  type Json = Record<string, unknown>;
  const obj = (value: unknown): Json => value as Json;
  /** Writes a copy of `example` changed by `change` beside the copied keys, loads it, and returns the refusal. */
  async function refusal(example: string, change: (config: Json) => void, namesFile = true): Promise<InvalidInput> {
    const config = JSON.parse(await readFile(join(EXAMPLES, `${example}.json`), 'utf8')) as Json;
    change(config);
    const file = join(dir, `${example}-broken.json`);
    await writeFile(file, JSON.stringify(config, null, 2));
    const error: unknown = await loadConfig(file, {}).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInput);
    const invalid = error as InvalidInput;
    if (namesFile) expect(invalid.message).toContain(`(in ${file})`);
    return invalid;
  }
  const gates = (config: Json) => obj(obj(config.policy).gates);
  const risk = (config: Json, i: number) => obj((obj(config.policy).risk as unknown[])[i]);

  it('loads unchanged from the temporary folder (the copy itself is sound)', async () => {
    const file = join(dir, 'small-team.json');
    await writeFile(file, await readFile(join(EXAMPLES, 'small-team.json'), 'utf8'));
    await expect(loadConfig(file, {})).resolves.toMatchObject({ source: file });
  });

  it('names a gate window that does not exist', async () => {
    const error = await refusal('regulated-content', (c) => { obj(gates(c).SG_2).windows = ['business-hour']; });
    expect(error.field).toBe('policy.gates.SG_2.windows.0');
    expect(error.message).toContain('no window named "business-hour" in policy.windows');
  });

  it('names a risk rule window that does not exist', async () => {
    const error = await refusal('emergency-revert', (c) => { obj(obj(risk(c, 0).raise).SG_2).windows = ['incident-4712']; });
    expect(error.field).toBe('policy.risk.0.raise.SG_2.windows.0');
  });

  it('names a group minimum with too few members', async () => {
    const error = await refusal('regulated-content', (c) => { obj(obj(risk(c, 1).raise).SG_2).groups = { security: 4 }; });
    expect(error.field).toBe('policy.risk.1.raise.SG_2.groups.security');
    expect(error.message).toContain('needs 4 of group security, but 3 approvers who may approve this gate belong to it');
    const oncall = await refusal('emergency-revert', (c) => {
      for (const name of ['carol', 'dave', 'erin']) obj(c.approvers)[name] = { publicKey: `keys/${name}.pub` };
    });
    expect(oncall.field).toBe('policy.risk.0.raise.SG_1.groups.oncall');
    const content = await refusal('regulated-content', (c) => { obj(gates(c).SG_2).groups = { security: 1, content: 4 }; });
    expect(content.field).toBe('policy.gates.SG_2.groups.content');
  });

  it('names a quorum larger than the approvers', async () => {
    const error = await refusal('small-team', (c) => { obj(gates(c).SG_1).quorum = 4; });
    expect(error.field).toBe('policy.gates.SG_1.quorum');
  });

  it('names a default lifetime longer than the maximum', async () => {
    const error = await refusal('emergency-revert', (c) => { obj(gates(c).SG_2).approvalLifetime = { default: '5h', max: '4h' }; });
    expect(error.field).toBe('policy.gates.SG_2.approvalLifetime.default');
  });

  it('names a misspelt field, a bad duration and a bad window', async () => {
    expect((await refusal('small-team', (c) => { obj(gates(c).SG_1).quroum = 2; })).field).toBe('policy.gates.SG_1.quroum');
    expect((await refusal('small-team', (c) => { obj(gates(c).SG_3).approvalLifetime = { default: '1 week' }; })).field).toBe('policy.gates.SG_3.approvalLifetime.default');
    expect((await refusal('regulated-content', (c) => { obj(obj(obj(c.policy).windows)['business-hours']).timeZone = 'Europe/Berln'; })).field).toBe('policy.windows.business-hours.timeZone');
  });

  it('docs/operations.md shows each example as it is: the JSON there loads to the same policy', async () => {
    const doc = await readFile(fileURLToPath(new URL('../../../docs/operations.md', import.meta.url)), 'utf8');
    const section = doc.slice(doc.indexOf('## Approval policy'));
    for (const name of ['small-team', 'regulated-content', 'emergency-revert']) {
      const start = section.indexOf(`(\`${name}.json\`)`);
      expect(start).toBeGreaterThan(0);
      const block = /```json\n([\s\S]*?)\n```/.exec(section.slice(start))?.[1] ?? '';
      const file = join(dir, `${name}-from-docs.json`);
      await writeFile(file, block);
      const shown = await loadConfig(file, {});
      expect(resolvePolicy(shown.approvalPolicy).hash).toBe((await load(name)).policy.hash);
    }
  });

  it('names an approver whose key file is missing', async () => {
    const error = await refusal('small-team', (c) => { obj(c.approvers).bob = { publicKey: 'keys/robert.pub' }; }, false);
    expect(error.field).toBe('approvers.bob');
    expect(error.message).toContain(`cannot read the public key ${join(dir, 'keys', 'robert.pub')}`);
  });
});
