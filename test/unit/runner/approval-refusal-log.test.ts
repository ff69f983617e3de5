import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Mode } from '../../../src/domain/mode.js';
import { createLogger } from '../../../src/logging/logger.js';
import { startRun } from '../../support/drive.js';
import { approvalFor } from '../../support/fixtures.js';

describe('a refused approval', () => {
  it('is logged as a warning naming the run, the gate and the reason, and recorded with the same reason', async () => {
    const out = new PassThrough();
    const lines: Record<string, unknown>[] = [];
    out.on('data', (chunk: Buffer) => { for (const line of chunk.toString('utf8').trim().split('\n')) lines.push(JSON.parse(line) as Record<string, unknown>); });
    const { run, view } = await startRun({ mode: Mode.DryRun, logger: createLogger({ level: 'warn', destination: out }) });
    run.approve(approvalFor(view, 'SG_1', 'carol'));
    const after = await run.settled();
    await new Promise((resolve) => setImmediate(resolve));
    const reason = after.context.refusals[0]?.reason;
    expect(reason).toBe('self-approval: carol started this run and may not approve it');
    expect(lines).toEqual([expect.objectContaining({ level: 40, runId: run.id, mode: 'DRYRUN', gate: 'SG_1', reason, msg: 'approval refused' })]);
  });
});
