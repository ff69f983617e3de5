/** `--log-level info` says what precheck and planning did (issue 18: it logged nothing for them), without bodies. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logging/logger.js';
import { createRun } from '../../../src/runner/create-run.js';
import { policy, samplePlan } from '../../support/fixtures.js';

describe('info logs of precheck and planning', () => {
  it('log each phase starting and finishing, with the executor, the row count, the change set and the plan hash, and no IU body', async () => {
    const out = new PassThrough();
    const text: string[] = [];
    out.on('data', (chunk: Buffer) => { text.push(chunk.toString('utf8')); });
    const plan = samplePlan(3);
    const run = createRun({ mode: 'DRYRUN', plan, initiator: 'carol', approvals: policy, logger: createLogger({ level: 'info', destination: out }) });
    run.start();
    const view = await run.settled();
    await new Promise((resolve) => setImmediate(resolve));
    const lines = text.join('').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const of = (phase: string) => lines.filter((l) => l.phase === phase);
    expect(of('precheck').map((l) => l.msg)).toEqual(['phase started', 'phase finished']);
    expect(of('precheck')[0]).toMatchObject({ level: 30, executor: expect.any(String), rowCount: 3, runId: run.id });
    expect(of('planning').map((l) => l.msg)).toEqual(['phase started', 'phase finished']);
    expect(of('planning')[1]).toMatchObject({ changeSetId: view.context.changeSet?.changeSetId, planHash: view.context.changeSet?.planHash, rowCount: 3, ms: expect.any(Number) });
    for (const row of plan.rows) expect(text.join('')).not.toContain(row.body.split('\n')[0]);
  });
});
