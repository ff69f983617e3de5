/**
 * Change windows with a clock the test controls: an enactment approved outside its window waits (parked, not
 * refused, saying until when), and proceeds once the window is open and the gate is checked again; an approval that
 * counts only from a later instant does the same. The policy's clock is the only clock the gates read.
 */
import { describe, expect, it } from 'vitest';
import { createRun } from '../../../src/runner/create-run.js';
import type { ApprovalPolicy } from '../../../src/policy/resolve.js';
import { RecordingSimulator } from '../../support/executors.js';
import { approvalFor, policy as basePolicy, samplePlan } from '../../support/fixtures.js';

// Saturday 2026-12-12, 10:00 in Berlin: outside Mon–Fri 09:00–17:00.
const SATURDAY = Date.parse('2026-12-12T09:00:00Z');
const MONDAY_OPEN = Date.parse('2026-12-14T08:00:00Z'); // 09:00 Berlin

function withClock(): { policy: ApprovalPolicy; set: (ms: number) => void } {
  let now = SATURDAY;
  return {
    policy: {
      ...basePolicy,
      rules: {
        windows: { 'business-hours': { timeZone: 'Europe/Berlin', weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' }] } },
        gates: { SG_2: { windows: ['business-hours'], approvalLifetime: { default: '24h', max: '7d' } } },
      },
      now: () => new Date(now),
    },
    set: (ms) => { now = ms; },
  };
}

const DAY = 86_400_000;

describe('change windows, on a clock the test controls', () => {
  it('an enactment approved outside its window waits, says until when, and proceeds once the window opens', async () => {
    const clock = withClock();
    const run = createRun({ mode: 'DRYRUN', plan: samplePlan(2), initiator: 'carol', approvals: clock.policy, executor: new RecordingSimulator() });
    run.start();
    const atCut = await run.settled();
    // SG_1 has no window: it opens on Saturday.
    expect(run.approve(approvalFor(atCut, 'SG_1', 'alice', { issuedAt: new Date(SATURDAY - 60_000).toISOString(), expiresAt: new Date(SATURDAY + DAY).toISOString() }))).toEqual({ accepted: true });
    const atEnact = await run.settled();
    expect(atEnact.gate).toBe('SG_2');

    const outcome = run.approve(approvalFor(atEnact, 'SG_2', 'bob', { issuedAt: new Date(SATURDAY - 60_000).toISOString(), expiresAt: new Date(SATURDAY + 3 * DAY).toISOString() }));
    expect(outcome).toEqual({ accepted: true, waits: { code: 'E_CHANGE_WINDOW_CLOSED', reason: 'E_CHANGE_WINDOW_CLOSED: SG_2 opens only inside business-hours; it opens Mon 2026-12-14 09:00 Europe/Berlin' } });
    const waiting = await run.settled();
    expect(waiting).toMatchObject({ state: 'awaitingEnactApproval', parked: true, status: 'active' });

    // Sunday: still closed; checking again changes nothing but says so again.
    clock.set(SATURDAY + DAY);
    run.resume('ops');
    expect((await run.settled()).state).toBe('awaitingEnactApproval');

    clock.set(MONDAY_OPEN + 60_000);
    run.resume('ops');
    const output = await run.done();
    expect(output.status).toBe('completed');
    expect(output.results.enact?.reviewDecisionId).toBe('RD-2026-042');
  });

  it('an approval that counts only from a later instant opens the gate only from then', async () => {
    const clock = withClock();
    clock.set(MONDAY_OPEN + 3600_000);
    const run = createRun({ mode: 'DRYRUN', plan: samplePlan(2), initiator: 'carol', approvals: clock.policy, executor: new RecordingSimulator() });
    run.start();
    const atCut = await run.settled();
    const from = MONDAY_OPEN + 2 * 3600_000;
    const outcome = run.approve(approvalFor(atCut, 'SG_1', 'alice', {
      issuedAt: new Date(MONDAY_OPEN).toISOString(), notBefore: new Date(from).toISOString(), expiresAt: new Date(from + 3600_000).toISOString(),
    }));
    expect(outcome).toMatchObject({ accepted: true, waits: { code: 'E_APPROVAL_QUORUM' } });
    expect((await run.settled()).state).toBe('awaitingCutApproval');
    clock.set(from);
    run.resume('ops');
    expect((await run.settled()).gate).toBe('SG_2');
  });
});
