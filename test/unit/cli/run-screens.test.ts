/**
 * What `status`, `list`, `approve`/`resume`, `ledger show` and `cutter log` print, as a newcomer read them (walk of
 * 2026-12-06): a kill-switch halt hints only at what applies; waits print as waits with their code once; every
 * approval a gate counted is listed; list and status say the same status word; counts say what they count.
 */
import { describe, expect, it } from 'vitest';
import type { ApprovalRecord, Refusal, RunContext } from '../../../machines/run-types.js';
import { ExitCode } from '../../../src/cli/exit-codes.js';
import { changeSetLine, ledgerRecordLine } from '../../../src/cli/history-lines.js';
import { main } from '../../../src/cli/main.js';
import { outcomeHintFor } from '../../../src/cli/outcome-hints.js';
import { hintOf, printRun } from '../../../src/cli/print-run.js';
import { refusalLine } from '../../../src/text/refusal-lines.js';
import { runListLines } from '../../../src/cli/run-list.js';
import { enactLine } from '../../../src/cli/run-reporter.js';
import { statusWordOf, type RunView } from '../../../src/runner/run-view.js';
import { captureTerminal } from '../../support/capture-terminal.js';

const approval = (approver: string, gate: 'SG_1' | 'SG_2' = 'SG_1'): ApprovalRecord => ({ gate, approver, reason: `${approver} read it`, issuedAt: '2026-12-06T00:00:00.000Z', expiresAt: '2026-12-07T00:00:00.000Z' });
const quorumWait: Refusal = { gate: 'policy', code: 'E_APPROVAL_QUORUM', reason: 'E_APPROVAL_QUORUM: SG_1 needs 2 approvals, has 1 (alice); 1 more from bob or dave' };

function view(state: string, context: Partial<RunContext>, extra: Partial<RunView> = {}): RunView {
  return {
    state, status: 'active', gate: null, parked: true, output: null,
    context: {
      runId: 'run-1', mode: 'LIVE', initiator: 'carol', expectedPlanHash: null, changeSet: null, policyHash: null, approvals: {}, collected: {},
      results: {}, committed: [], refusals: [], error: null, haltedBefore: null, tornReason: null, ...context,
    },
    ...extra,
  };
}

const printed = (v: RunView): string[] => {
  const terminal = captureTerminal();
  printRun(v, terminal);
  return terminal.out;
};

describe('run screens', () => {
  it('a run the kill switch halted is told to resume, never to approve again; a gate that refused is told to approve again', () => {
    const halted = view('halted', { approvals: { SG_1: approval('alice') }, collected: { SG_1: [approval('alice')] }, error: { name: 'ProductionExecutionNotAuthorized', code: 'E_KILL_SWITCH_OFF', message: 'database lock, phase preWriteBackup' } });
    const hint = hintOf(halted) ?? '';
    expect(hint).toContain('cutter resume run-1');
    expect(hint).not.toMatch(/approve again/);
    const atGate = view('awaitingCutApproval', { refusals: [{ gate: 'kill-switch', code: 'E_KILL_SWITCH_OFF', reason: 'the machine lock' }] }, { gate: 'SG_1' });
    expect(hintOf(atGate)).toContain('approve again');
    const ended = view('refused', { error: { name: 'X', code: 'E_KILL_SWITCH_OFF', message: 'precheck' } }, { status: 'done', parked: false, output: { status: 'refused' } as RunView['output'] });
    expect(hintOf(ended)).toContain('start the run again');
  });

  it('a gate wait prints as `waiting`, its code once; a hint for a wait never claims an approval was taken (resume gives none)', () => {
    expect(refusalLine(quorumWait, true, 'SG_1')).toEqual({ label: 'waiting', text: quorumWait.reason });
    expect(refusalLine(quorumWait, false, 'SG_1').label).toBe('waited');
    expect(refusalLine(quorumWait, true, 'SG_2').label).toBe('waited');
    expect(refusalLine({ gate: 'SG_1', code: 'E_APPROVAL_DUPLICATE', reason: 'alice already approved SG_1' }, true, 'SG_1')).toEqual({ label: 'refused', text: 'SG_1: E_APPROVAL_DUPLICATE: alice already approved SG_1' });
    for (const code of ['E_APPROVAL_QUORUM', 'E_APPROVAL_GROUP', 'E_CHANGE_WINDOW_CLOSED']) expect(outcomeHintFor(code)).not.toMatch(/approval was taken/i);

    const lines = printed(view('awaitingCutApproval', { collected: { SG_1: [approval('alice')] }, refusals: [quorumWait] }, { gate: 'SG_1' }));
    expect(lines).toContain(`waiting    ${quorumWait.reason}`);
    expect(lines.join('\n')).not.toMatch(/refused|E_APPROVAL_QUORUM E_APPROVAL_QUORUM/);
  });

  it('status lists every approval a gate counted (a quorum of two names both), not only the one that opened it', () => {
    const lines = printed(view('awaitingEnactApproval', { approvals: { SG_1: approval('dave') }, collected: { SG_1: [approval('alice'), approval('dave')] }, refusals: [quorumWait] }, { gate: 'SG_2' }));
    expect(lines.filter((l) => l.startsWith('SG_1'))).toEqual(['SG_1       approved by alice: alice read it', 'SG_1       approved by dave: dave read it']);
    // The wait at SG_1 is past: the run now waits at SG_2 with nothing unmet recorded.
    expect(lines).toContain(`waited     ${quorumWait.reason}`);
  });

  it('list shows the status word status shows: parked at a gate or halted, active mid-phase, how it ended', () => {
    const stored = (state: string, status: string) => ({ runId: `r-${state}`, mode: 'LIVE' as const, initiator: 'carol', planHash: null, state, status, snapshotVersion: 1, createdAt: '2026-12-06T00:00:00.000Z', updatedAt: '2026-12-06T00:00:00.000Z' });
    const runs = [stored('awaitingEnactApproval', 'active'), stored('halted', 'active'), stored('backingUp', 'active'), stored('completed', 'completed'), stored('torn.awaitingCompensationApproval', 'active')];
    const [, ...rows] = runListLines(runs);
    const statusOf = Object.fromEntries(rows.map((r) => r.split(/\s+/)).map(([id = '', , state = '', status = '']) => [id.slice(2), [state, status]]));
    expect(statusOf).toEqual({
      awaitingEnactApproval: ['awaitingEnactApproval', 'parked'], halted: ['halted', 'parked'], backingUp: ['backingUp', 'active'],
      completed: ['completed', 'completed'], 'torn.awaitingCompensationApproval': ['torn.awaitingCompensationApproval', 'parked'],
    });
    expect(statusWordOf(view('awaitingEnactApproval', {}))).toBe('parked');
    expect(statusWordOf(view('completed', {}, { status: 'done', output: { status: 'completed' } as RunView['output'] }))).toBe('completed');
  });

  it('enactment names its retirements; counts are in the right number and say what they count', () => {
    expect(enactLine({ changeSetId: 'cs', reviewDecisionId: 'RD', enacted: 1, supersededCount: 1, retiredCount: 1, lifecycleLogRows: 3, simulated: false }))
      .toBe('enacted 1 IU, superseded 1, retired 1; 3 lifecycle-log rows');
    expect(enactLine({ changeSetId: 'cs', reviewDecisionId: 'RD', enacted: 2, supersededCount: 0, lifecycleLogRows: 1, simulated: true }))
      .toBe('would enact 2 IUs, would supersede 0, would retire 0; 1 lifecycle-log row');
    const terminal = captureTerminal();
    const record = { seq: 9, kind: 'change-set' as const, changeSetId: 'cs-1', payload: { rowCount: 1 }, prevHash: '0'.repeat(64), recordHash: 'a'.repeat(64), recordedAt: '2026-12-06T00:00:00.000Z' };
    expect(ledgerRecordLine(record, terminal)).toMatch(/^#9 +change-set +cs-1 {2}1 IU version written {2}/);
    expect(ledgerRecordLine({ ...record, payload: { rowCount: 3 } }, terminal)).toContain('3 IU versions written');
    const set = { changeSetId: 'cs-1', runId: 'run-1', state: 'completed', initiator: 'carol', cutApprover: 'alice', enactApprover: 'bob', reviewDecisionId: 'RD', ledger: [{ seq: 9, kind: 'change-set' }], reverts: null, createdAt: '2026-12-06T00:00:00.000Z' };
    expect(changeSetLine({ ...set, rowCount: 1 }, terminal)).toContain(' 1 planned row  ');
    expect(changeSetLine({ ...set, rowCount: 2 }, terminal)).toContain(' 2 planned rows  ');
  });

  it('status counts what it leaves out by kind, in the right number: 1 earlier refusal, 1 earlier wait, 1 earlier refusal and 1 wait', () => {
    const refusal: Refusal = { gate: 'SG_1', code: 'E_APPROVAL_DUPLICATE', reason: 'alice already approved SG_1' };
    const notShown = (earlier: Refusal[]) => printed(view('awaitingCutApproval', { refusals: [...earlier, refusal, refusal, quorumWait] }, { gate: 'SG_1' }))
      .find((line) => line.includes('not shown'))?.replace(/^refused +/, '').replace(/ not shown.*$/, '');
    expect(notShown([])).toBeUndefined();
    expect(notShown([refusal])).toBe('1 earlier refusal');
    expect(notShown([refusal, refusal])).toBe('2 earlier refusals');
    expect(notShown([quorumWait])).toBe('1 earlier wait');
    expect(notShown([quorumWait, quorumWait])).toBe('2 earlier waits');
    expect(notShown([refusal, quorumWait])).toBe('1 earlier refusal and 1 wait');
    expect(notShown([refusal, refusal, quorumWait])).toBe('2 earlier refusals and 1 wait');
  });

  it('--scope without --retire-missing is a usage error naming --retire-missing (exit 2), for plan and run, before any file is read', async () => {
    for (const command of ['plan', 'run']) {
      const terminal = captureTerminal();
      expect(await main([command, 'no-such-file.md', '--scope', 'incident-runbook'], terminal)).toBe(ExitCode.Usage);
      expect(terminal.err[0]).toMatch(/^error E_OPTION_MISSING: --retire-missing is required: --scope names where/);
      expect(terminal.err.join('\n')).toMatch(/hint: Give --retire-missing/);
    }
  });
});
