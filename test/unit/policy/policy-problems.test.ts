/**
 * A policy that could never be met is refused up front, its message counting in words (issue 18): `1 approver who
 * ... belongs`, `2 approvers who ... belong`, `needs 1 distinct approver`.
 */
import { describe, expect, it } from 'vitest';
import type { PolicyRulesInput } from '../../../src/policy/policy.js';
import { resolvePolicy } from '../../../src/policy/resolve.js';

const under = (rules: PolicyRulesInput, team: Readonly<Record<string, readonly string[]>>) => () =>
  resolvePolicy({ approvers: Object.fromEntries(Object.entries(team).map(([name, groups]) => [name, { publicKey: 'x', groups }])), rules });

describe('policy problems, counted', () => {
  it('a group minimum above its members: 1 approver belongs, 2 approvers belong', () => {
    expect(under({ gates: { SG_1: { groups: { security: 2 } } } }, { alice: ['security'], bob: [] }))
      .toThrow('needs 2 of group security, but 1 approver who may approve this gate belongs to it: add members or lower it');
    expect(under({ gates: { SG_1: { groups: { security: 3 } } } }, { alice: ['security'], bob: ['security'] }))
      .toThrow('needs 3 of group security, but 2 approvers who may approve this gate belong to it: add members or lower it');
  });

  it('a quorum nobody eligible can meet: needs 1 distinct approver', () => {
    expect(under({ gates: { SG_3: { eligibleGroups: ['oncall'] } } }, { alice: ['security'] }))
      .toThrow('needs 1 distinct approver, but 0 may approve this gate: add approvers or lower it');
  });
});
