import { describe, expect, it } from 'vitest';
import { createRun } from '../../../src/runner/create-run.js';
import { approvalFor, policy, samplePlan } from '../../support/fixtures.js';
import { RecordingSimulator } from '../../support/executors.js';

describe('a DRYRUN run end to end', () => {
  it('parks at SG_1, then SG_2, and completes with simulated results from the simulator', async () => {
    const simulator = new RecordingSimulator();
    const run = createRun({ mode: 'DRYRUN', plan: samplePlan(3), initiator: 'carol', approvals: policy, executor: simulator });
    run.start();
    const atCut = await run.settled();
    expect(atCut.gate).toBe('SG_1');
    expect(atCut.context.changeSet?.rowCount).toBe(3);

    expect(run.approve(approvalFor(atCut, 'SG_1'))).toEqual({ accepted: true });
    const atEnact = await run.settled();
    expect(atEnact.gate).toBe('SG_2');
    expect(atEnact.context.results.verify?.ok).toBe(true);

    expect(run.approve(approvalFor(atEnact, 'SG_2', 'bob'))).toEqual({ accepted: true });
    const output = await run.done();
    expect(output.status).toBe('completed');
    expect(output.results.cut).toEqual({ changeSetId: output.changeSetId, created: 3, simulated: true });
    expect(output.results.enact?.enacted).toBe(3);
    expect(output.committed).toEqual([]);
    expect(output.wouldCommit).toEqual(['cut', 'ledger', 'enact']);
    expect(simulator.calls).toEqual([
      'precheck', 'preWriteBackup', 'cutLegA', 'legBRecord', 'verifyResultCountFor', 'writeVerify', 'lifecycleEnact',
    ]);
  });
});
