/**
 * I6 under a real approval policy: over random policies (quorum, required groups, who belongs to which group) and
 * random sequences of approvals (any of five people, valid or expired, with the clock moving on; now and then a
 * rejection at SG_2, which tears the run), a run never leaves SG_1, SG_2 or SG_3 for cutting, enacting or
 * compensating unless the policy was met at that moment, and always leaves once it is met.
 * Whether it was met is computed here, independently of the policy evaluator: distinct people, not the initiator,
 * not someone who approved the other gate, approvals not expired, each group's minimum met by distinct people.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signApproval } from '../../src/approvals/index.js';
import type { Gate } from '../../src/domain/approval.js';
import { createRun } from '../../src/runner/create-run.js';
import type { RunView } from '../../src/runner/run-view.js';
import type { ApprovalPolicy } from '../../src/policy/resolve.js';
import { RecordingSimulator } from '../support/executors.js';
import { approvalFor, keys, samplePlan } from '../support/fixtures.js';

const PEOPLE = ['alice', 'bob', 'erin', 'carol', 'mallory'] as const;
type Person = (typeof PEOPLE)[number];
const GROUPS = ['security', 'content'] as const;
const HOUR = 3_600_000;
// Carol starts every run; the others sign with their own keys (Carol's is Mallory's: she is the initiator anyway).
const keyOf = (p: Person) => (p === 'carol' ? keys.mallory : keys[p]);

const policyArb = fc.record({
  members: fc.record(Object.fromEntries(PEOPLE.map((p) => [p, fc.subarray([...GROUPS])])) as Record<Person, fc.Arbitrary<('security' | 'content')[]>>),
  quorum: fc.record({ SG_1: fc.integer({ min: 1, max: 3 }), SG_2: fc.integer({ min: 1, max: 2 }), SG_3: fc.integer({ min: 1, max: 2 }) }),
  groups: fc.record({ SG_1: fc.subarray([...GROUPS]), SG_2: fc.subarray([...GROUPS]), SG_3: fc.subarray([...GROUPS]) }),
});

type PolicyCase = typeof policyArb extends fc.Arbitrary<infer T> ? T : never;

const stepArb = fc.record({
  who: fc.constantFrom(...PEOPLE),
  /** Hours the approval lasts from now; 0 means it has already expired. */
  lasts: fc.constantFrom(0, 1, 5),
  /** Hours the clock moves on before the approval is given. */
  wait: fc.constantFrom(0, 0, 2),
  /** Now and then a rejection instead: at SG_2 it tears the run, which then waits at SG_3 for compensation. */
  rejects: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
});

type StepCase = typeof stepArb extends fc.Arbitrary<infer T> ? T : never;

const ONE_EACH: PolicyCase = {
  members: { alice: [], bob: [], erin: [], carol: [], mallory: [] },
  quorum: { SG_1: 1, SG_2: 1, SG_3: 1 },
  groups: { SG_1: [], SG_2: [], SG_3: [] },
};
const approves = (who: Person): StepCase => ({ who, lasts: 5, wait: 0, rejects: false });
/** Two cases that, between them, open every gate: SG_1 then SG_2; SG_1, a rejection at SG_2, then SG_3. */
const EVERY_GATE: [PolicyCase, StepCase[]][] = [
  [ONE_EACH, [approves('alice'), approves('bob')]],
  [ONE_EACH, [approves('alice'), { ...approves('bob'), rejects: true }, approves('erin')]],
];

/** The policy was met at `gate` at `now`, computed from what the test sent, not by Cutter's evaluator. */
function met(gate: Gate, sent: readonly { gate: Gate; who: Person; expires: number }[], opened: Partial<Record<Gate, Person[]>>, now: number, p: PolicyCase): boolean {
  const others = new Set(Object.entries(opened).filter(([g]) => g !== gate).flatMap(([, people]) => people ?? []));
  const valid = new Set(sent.filter((s) => s.gate === gate && s.expires > now && s.who !== 'carol' && !others.has(s.who)).map((s) => s.who));
  const quorum = p.quorum[gate];
  return valid.size >= quorum && p.groups[gate].every((g) => [...valid].some((who) => p.members[who].includes(g)));
}

describe('the gates under random approval policies', () => {
  it('leave SG_1, SG_2 and SG_3 for a phase exactly when the policy is met', async () => {
    const reached = new Set<string>();
    await fc.assert(fc.asyncProperty(policyArb, fc.array(stepArb, { minLength: 1, maxLength: 12 }), async (p, steps) => {
      let clock = Date.parse('2026-12-07T10:00:00Z');
      const policy: ApprovalPolicy = {
        approvers: Object.fromEntries(PEOPLE.map((who) => [who, { publicKey: keyOf(who).publicKey, groups: p.members[who] }])),
        rules: {
          gates: {
            SG_1: { quorum: p.quorum.SG_1, groups: Object.fromEntries(p.groups.SG_1.map((g) => [g, 1])) },
            SG_2: { quorum: p.quorum.SG_2, groups: Object.fromEntries(p.groups.SG_2.map((g) => [g, 1])) },
            SG_3: { quorum: p.quorum.SG_3, groups: Object.fromEntries(p.groups.SG_3.map((g) => [g, 1])) },
          },
        },
        now: () => new Date(clock),
      };
      let run;
      try {
        run = createRun({ mode: 'DRYRUN', plan: samplePlan(2), initiator: 'carol', approvals: policy, executor: new RecordingSimulator() });
      } catch {
        return; // A policy nobody could meet (a group without members, a quorum larger than the people) is refused up front.
      }
      run.start();
      let view: RunView = await run.settled();
      const sent: { gate: Gate; who: Person; expires: number }[] = [];
      const opened: Partial<Record<Gate, Person[]>> = {};
      for (const step of steps) {
        const gate = view.gate;
        if (gate === null) break;
        if (step.rejects && gate === 'SG_2') {
          run.reject('SG_2', 'dave', 'not this time');
          view = await run.settled();
          expect(view.gate).toBe('SG_3');
          continue;
        }
        clock += step.wait * HOUR;
        const { signature: _unsigned, ...claims } = approvalFor(view, gate, step.who, {
          issuedAt: new Date(clock - 2 * HOUR).toISOString(),
          expiresAt: new Date(clock + step.lasts * HOUR - (step.lasts === 0 ? HOUR : 0)).toISOString(),
        });
        const outcome = run.approve(signApproval(claims, keyOf(step.who).privateKey));
        if (outcome.accepted) sent.push({ gate, who: step.who, expires: Date.parse(claims.expiresAt) });
        const shouldOpen = met(gate, sent, opened, clock, p);
        view = await run.settled();
        // Safety: it left the gate only if met; liveness: it left once met (DRYRUN: no kill switch stands in the way).
        expect(view.gate !== gate, `${gate} after ${step.who}: ${JSON.stringify(sent)}`).toBe(shouldOpen);
        // Everyone who approved a gate (counted or not) may not approve the other one.
        if (view.gate !== gate) reached.add(gate);
        if (view.gate !== gate) opened[gate] = [...new Set(sent.filter((s) => s.gate === gate).map((s) => s.who))];
      }
    }), { numRuns: 150, examples: EVERY_GATE });
    // Every gate was opened at least once, SG_3 included: the property was not vacuous there. Random cases reach SG_3
    // only by a rejection at SG_2 and then a met policy, and 150 of them once did not (a CI run): so two cases that
    // open every gate run every time, besides the random ones.
    expect([...reached].sort()).toEqual(['SG_1', 'SG_2', 'SG_3']);
    // 150 generated runs of the whole machine: about 2 s alone, but it timed out at vitest's default 5 s while other
    // suites loaded both cores. A property's time is not what it checks.
  }, 60_000);
});
