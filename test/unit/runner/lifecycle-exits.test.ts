/** The side exits of the lifecycle: refused, failed, rejected, cancelled, torn → SG_3, halted → resume (I10). */
import { describe, expect, it } from 'vitest';
import { InMemoryKillSwitch } from '../../../src/kill-switch/index.js';
import { ProductionExecutionNotAuthorized, StopInvariantFailed } from '../../../src/errors/index.js';
import { approvalFor } from '../../support/fixtures.js';
import { FakeLiveAdapter, type AdapterScript } from '../../support/executors.js';
import { startRun } from '../../support/drive.js';

async function liveRunAtCut(script: AdapterScript = {}) {
  const killSwitch = new InMemoryKillSwitch(true);
  const adapter = new FakeLiveAdapter(killSwitch, script);
  const { run, view } = await startRun({ mode: 'LIVE', executor: adapter, killSwitch });
  return { run, view, adapter, killSwitch };
}

describe('lifecycle side exits', () => {
  it('a failure before anything committed ends the run failed, not torn', async () => {
    const { run, view, adapter } = await liveRunAtCut({ failOn: { cutLegA: new StopInvariantFailed('cutLegA', { reason: 'row 2 conflicted' }) } });
    run.approve(approvalFor(view, 'SG_1'));
    const end = await run.settled();
    expect(end.state).toBe('failed');
    expect(end.output).toMatchObject({ status: 'failed', committed: [], error: { code: 'E_STOP_INVARIANT', phase: 'cutLegA' } });
    expect(adapter.calls).toEqual(['precheck', 'preWriteBackup', 'cutLegA']);
  });

  it('a row reported as not created fails the cut with the row named', async () => {
    const { run, view } = await liveRunAtCut({ badCutRow: { index: 1, status: 'conflict' } });
    run.approve(approvalFor(view, 'SG_1'));
    const end = await run.settled();
    expect(end.output?.error).toMatchObject({ code: 'E_STOP_INVARIANT', message: expect.stringContaining('handbook/test/section-2') });
  });

  it('an unverified backup stops the run before the first write (I7)', async () => {
    const { run, view, adapter } = await liveRunAtCut({ backupUnverified: true });
    run.approve(approvalFor(view, 'SG_1'));
    const end = await run.settled();
    expect(end.state).toBe('failed');
    expect(end.output?.error?.code).toBe('E_BACKUP_UNVERIFIED');
    expect(adapter.calls).toEqual(['precheck', 'preWriteBackup']);
  });

  it('a failed backup stops the run with nothing written (I7)', async () => {
    const { run, view, adapter } = await liveRunAtCut({ failOn: { preWriteBackup: new Error('pg_dump exited 1') } });
    run.approve(approvalFor(view, 'SG_1'));
    expect((await run.settled()).state).toBe('failed');
    expect(adapter.calls).toEqual(['precheck', 'preWriteBackup']);
  });

  it('a failure after the cut committed tears the run and parks it at SG_3; compensation then ends it', async () => {
    const { run, view, adapter } = await liveRunAtCut({ failOn: { legBRecord: new Error('ledger insert failed') } });
    run.approve(approvalFor(view, 'SG_1'));
    const torn = await run.settled();
    expect(torn.state).toBe('torn.awaitingCompensationApproval');
    expect(torn.gate).toBe('SG_3');
    expect(torn.context.committed).toEqual(['cut']);
    expect(torn.context.tornReason).toContain('ledger');
    run.approve(approvalFor(torn, 'SG_3', 'bob'));
    const end = await run.settled();
    expect(end.output).toMatchObject({ status: 'compensated', results: { compensation: { removedDrafts: 3 } } });
    expect(adapter.calls.at(-1)).toBe('compensateChangeSet');
  });

  it('a verification mismatch tears the run', async () => {
    const { run, view } = await liveRunAtCut({ verifyMismatch: true });
    run.approve(approvalFor(view, 'SG_1'));
    const torn = await run.settled();
    expect(torn.gate).toBe('SG_3');
    expect(torn.context.error?.code).toBe('E_VERIFY_MISMATCH');
  });

  it('a failed compensation is recorded, not swallowed', async () => {
    const { run, view } = await liveRunAtCut({ failOn: { writeVerify: new Error('verify read failed'), compensateChangeSet: new Error('revert conflicted') } });
    run.approve(approvalFor(view, 'SG_1'));
    run.approve(approvalFor(await run.settled(), 'SG_3'));
    const end = await run.settled();
    expect(end.output).toMatchObject({ status: 'compensationFailed', error: { message: 'revert conflicted' } });
  });

  it('rejecting SG_1 ends the run rejected with nothing written; a rejection naming another gate is refused', async () => {
    const { run, adapter } = await liveRunAtCut();
    expect(() => run.reject('SG_2', 'dave', 'not this one')).toThrow(expect.objectContaining({ code: 'E_INVALID_EVENT' }));
    run.reject('SG_1', 'dave', 'scope too wide');
    expect((await run.settled()).output).toMatchObject({ status: 'rejected', committed: [] });
    expect(adapter.calls).toEqual(['precheck']);
  });

  it('rejecting SG_2 after the cut committed tears the run instead of ending it silently', async () => {
    const { run, view } = await liveRunAtCut();
    run.approve(approvalFor(view, 'SG_1'));
    await run.settled();
    run.reject('SG_2', 'dave', 'review said no');
    const torn = await run.settled();
    expect(torn.gate).toBe('SG_3');
    expect(torn.context.tornReason).toContain('rejected');
    run.reject('SG_3', 'dave', 'keep the drafts for now');
    expect((await run.settled()).output?.status).toBe('compensationDeclined');
  });

  it('cancelling at SG_1 ends the run cancelled; cancelling at SG_2 tears it', async () => {
    const first = await liveRunAtCut();
    first.run.cancel('dave', 'wrong day');
    expect((await first.run.settled()).output?.status).toBe('cancelled');
    const second = await liveRunAtCut();
    second.run.approve(approvalFor(second.view, 'SG_1'));
    await second.run.settled();
    second.run.cancel('dave', 'wrong day');
    expect((await second.run.settled()).gate).toBe('SG_3');
  });

  it('the kill switch turned OFF mid-run halts after the cut; RESUME is refused while OFF and continues once ON', async () => {
    const { run, view, adapter, killSwitch } = await liveRunAtCut();
    // The switch goes OFF while the cut is running (after the executor's own lock let it in): the machine lock stops
    // the next phase.
    const cut = adapter.cutLegA.bind(adapter);
    adapter.cutLegA = async (...args) => { const results = await cut(...args); killSwitch.turnOff(); return results; };
    run.approve(approvalFor(view, 'SG_1'));
    const halted = await run.settled();
    expect(halted.state).toBe('halted');
    expect(halted.context).toMatchObject({ committed: ['cut'], haltedBefore: 'recordingLedger' });
    expect(adapter.calls).toEqual(['precheck', 'preWriteBackup', 'cutLegA']);

    run.resume('dave');
    expect(run.view().state).toBe('halted');
    expect(run.view().context.refusals.at(-1)?.code).toBe('E_KILL_SWITCH_OFF');

    killSwitch.turnOn();
    run.resume('dave');
    const atEnact = await run.settled();
    expect(atEnact.gate).toBe('SG_2');
    expect(adapter.calls).toEqual(['precheck', 'preWriteBackup', 'cutLegA', 'legBRecord', 'verifyResultCountFor', 'writeVerify']);
  });

  it('a kill-switch refusal from inside a phase after the cut halts the run (resumable), not torn', async () => {
    const { run, view } = await liveRunAtCut({ failOn: { legBRecord: new ProductionExecutionNotAuthorized('legBRecord', 'database') } });
    run.approve(approvalFor(view, 'SG_1'));
    const halted = await run.settled();
    expect(halted.state).toBe('halted');
    expect(halted.context.haltedBefore).toBe('recordingLedger');
    run.escalate('dave', 'giving up');
    expect((await run.settled()).gate).toBe('SG_3');
  });

  it('SG_2 approved while the switch is OFF halts before enactment', async () => {
    const { run, view, killSwitch, adapter } = await liveRunAtCut();
    run.approve(approvalFor(view, 'SG_1'));
    const atEnact = await run.settled();
    killSwitch.turnOff();
    run.approve(approvalFor(atEnact, 'SG_2', 'bob'));
    const halted = await run.settled();
    expect(halted.context.haltedBefore).toBe('enacting');
    expect(adapter.calls).not.toContain('lifecycleEnact');
    killSwitch.turnOn();
    run.resume('dave');
    expect((await run.settled()).output?.status).toBe('completed');
  });
});
