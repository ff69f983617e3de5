/**
 * I14, DRYRUN predicts exactly what LIVE does on the same target. fast-check generates histories: a few addresses of
 * one document, and a sequence of change sets that each add, edit, keep or remove them. At every step the sources are
 * planned against the target (with --retire-missing within the document), carried through a DRYRUN run (the
 * simulator predicting from what planning read) and then a LIVE run on the real adapter, and the prediction must equal
 * the outcome: the same versions created at the same addresses, the same enactments, supersessions and retirements.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RunOutput } from '../../machines/run-types.js';
import { validateCutplan, type Cutplan } from '../../src/domain/cutplan.js';
import { DryRunSimulator } from '../../src/executors/simulator.js';
import { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import { snapshotBackupRunner } from '../../src/postgres/backups/snapshot-runner.js';
import { classifyPlan } from '../../src/postgres/classify.js';
import { PostgresLiveExecutionAdapter } from '../../src/postgres/postgres-adapter.js';
import { createRun } from '../../src/runner/create-run.js';
import { policy } from '../support/fixtures.js';
import { driveToEnd } from '../support/run-fixtures/drive-to-end.js';
import { openTarget, TARGET_KINDS, type Target } from '../support/targets.js';

const ADDRESSES = ['doc/a', 'doc/b', 'doc/c', 'doc/d'] as const;

/** One change set's sources: each address absent (null) or present with one of three bodies. */
const step = fc.tuple(...ADDRESSES.map(() => fc.option(fc.integer({ min: 0, max: 2 }), { nil: null })));
const history = fc.array(step, { minLength: 1, maxLength: 4 });

function sourcesOf(choice: readonly (number | null)[]): Cutplan | null {
  const rows = ADDRESSES.flatMap((address, i) => (choice[i] === null || choice[i] === undefined ? [] : [{ address, title: address, body: `${address} body ${choice[i]}` }]));
  return rows.length === 0 ? null : validateCutplan(rows);
}

/** What a run did, in the terms both modes report: the versions its cut created, and its enactment's counts. */
function effectOf(output: RunOutput, created: readonly { address: string; version: number }[]) {
  const enact = output.results.enact;
  return {
    status: output.status,
    created: [...created].map((c) => `${c.address} v${c.version}`).sort(),
    enacted: enact?.enacted, superseded: enact?.supersededCount, retired: enact?.retiredCount,
  };
}

describe.each(TARGET_KINDS)('DRYRUN predicts LIVE on %s', (kind) => {
  it('over generated histories of edits, additions and removals', async () => {
    const target: Target = await openTarget(kind);
    try {
      await fc.assert(fc.asyncProperty(history, async (steps) => {
        await target.reset();
        const killSwitch = new InMemoryKillSwitch(true);
        for (const choice of steps) {
          const sources = sourcesOf(choice);
          if (sources === null) continue;
          const classified = await classifyPlan(target.provider, sources, { retireMissingWithin: ['doc'] });
          if (classified.plan === null) continue;
          const plan = classified.plan;

          const simulator = new DryRunSimulator({ target: classified.target });
          const dry = createRun({ mode: 'DRYRUN', plan, initiator: 'carol', approvals: policy, executor: simulator });
          dry.start();
          const predicted = (await driveToEnd(dry)).view.output;

          const live = createRun({ mode: 'LIVE', plan, initiator: 'carol', approvals: policy, killSwitch, executor: new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: target.provider, backupRunner: snapshotBackupRunner }) });
          live.start();
          const outcome = (await driveToEnd(live)).view.output;
          await live.release();
          if (predicted === null || outcome === null) throw new Error('a run did not end');
          const written = await target.admin(async (s) => (await s.query<{ address: string; version: number }>(
            'SELECT address, version FROM cutter.iu_versions WHERE change_set_id = $1', [outcome.changeSetId],
          )).rows);
          expect(effectOf(predicted, simulator.simulatedWrites(predicted.changeSetId ?? ''))).toEqual(effectOf(outcome, written));
          expect(outcome.status).toBe('completed');
          expect(predicted.committed).toEqual([]);
          expect(predicted.wouldCommit).toEqual(outcome.committed);
        }
      }), { numRuns: 40 });
    } finally {
      await target.close();
    }
  }, 240_000);
});
