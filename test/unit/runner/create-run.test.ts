import { describe, expect, it } from 'vitest';
import { createRun } from '../../../src/runner/create-run.js';
import { parseRunEvent } from '../../../src/runner/run-events.js';
import { approvalFor, policy, samplePlan } from '../../support/fixtures.js';
import { RecordingSimulator } from '../../support/executors.js';
import { startRun } from '../../support/drive.js';

describe('createRun', () => {
  it('exposes events and views only: no machine, actor or provide to rebind the phases', () => {
    const run = createRun({ mode: 'DRYRUN', plan: samplePlan(), initiator: 'carol', approvals: policy });
    expect(Object.keys(run).sort()).toEqual(
      ['approve', 'bindPolicy', 'cancel', 'done', 'escalate', 'id', 'mode', 'reject', 'release', 'resume', 'send', 'settled', 'start', 'stop', 'subscribe', 'view'].sort(),
    );
    expect(run).not.toHaveProperty('provide');
    expect(run).not.toHaveProperty('machine');
  });

  it('refuses an unknown mode and an empty initiator, naming the field', () => {
    expect(() => createRun({ mode: 'YOLO' as never, plan: samplePlan(), initiator: 'carol', approvals: policy })).toThrow(expect.objectContaining({ code: 'E_INVALID_INPUT', field: 'mode' }));
    expect(() => createRun({ mode: 'DRYRUN', plan: samplePlan(), initiator: ' ', approvals: policy })).toThrow(expect.objectContaining({ field: 'initiator' }));
  });

  it('a pinned plan hash that does not match the content refuses the run at planning (plan pin mismatch)', async () => {
    const { view } = await startRun({ mode: 'DRYRUN', expectedPlanHash: '0'.repeat(64) });
    expect(view.output).toMatchObject({ status: 'refused', error: { code: 'E_PLAN_PIN_MISMATCH' } });
  });

  it('the simulator is told nothing about LIVE: a DRYRUN run writes only simulated results', async () => {
    const simulator = new RecordingSimulator();
    const { run, view } = await startRun({ mode: 'DRYRUN', executor: simulator });
    run.approve(approvalFor(view, 'SG_1'));
    const atEnact = await run.settled();
    expect(atEnact.context.results.backup?.simulated).toBe(true);
    expect(atEnact.context.results.ledger?.simulated).toBe(true);
  });
});

describe('events from outside (I13)', () => {
  it.each([
    [{ type: 'EXPLODE' }, 'type'],
    [{}, 'type'],
    ['APPROVE', 'type'],
    [{ type: 'REJECT', gate: 'SG_9', by: 'dave', reason: 'x' }, 'gate'],
    [{ type: 'REJECT', gate: 'SG_1', by: '', reason: 'x' }, 'by'],
    [{ type: 'CANCEL', by: 'dave' }, 'reason'],
    [{ type: 'RESUME', by: 'dave', extra: 1 }, 'extra'],
  ])('%j is refused naming %s', (event, field) => {
    expect(() => parseRunEvent(event)).toThrow(expect.objectContaining({ code: 'E_INVALID_EVENT', field }));
  });

  it('an event the current state does not accept is refused, and the run is unchanged', async () => {
    const { run, view } = await startRun({ mode: 'DRYRUN' });
    expect(() => run.escalate('dave', 'not halted')).toThrow(expect.objectContaining({ code: 'E_INVALID_EVENT', message: expect.stringContaining('awaitingCutApproval') }));
    expect(() => run.send({ type: 'START' })).toThrow(expect.objectContaining({ code: 'E_INVALID_EVENT' }));
    expect(run.view()).toEqual(view);
  });

  it('events after the end are refused', async () => {
    const { run } = await startRun({ mode: 'DRYRUN' });
    run.cancel('dave', 'no longer needed');
    await run.settled();
    expect(() => run.cancel('dave', 'again')).toThrow(expect.objectContaining({ code: 'E_INVALID_EVENT', message: expect.stringContaining('ended') }));
  });

  it('approve answers one way: an approval the run cannot take now comes back { accepted: false, code, reason }, never a throw', async () => {
    const { run } = await startRun({ mode: 'DRYRUN' });
    const atCut = run.view();
    // Refused by the gate (self-approval) and refused because the run ended: the same shape, each with its code.
    expect(run.approve(approvalFor(atCut, 'SG_1', 'carol'))).toMatchObject({ accepted: false, code: expect.stringMatching(/^E_APPROVAL_/) });
    run.cancel('dave', 'no longer needed');
    await run.settled();
    expect(run.approve(approvalFor(atCut, 'SG_1'))).toEqual({ accepted: false, code: 'E_INVALID_EVENT', reason: expect.stringContaining('ended') });
  });
});
