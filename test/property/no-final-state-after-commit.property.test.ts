/**
 * I15: no final state leaves committed work behind. Random walks over the run statechart (the real machine as a test
 * model; each step picks one of the events the state accepts, every outcome of every phase and every guard explored)
 * check at every step: `refused` and `failed` are reached only before anything committed and before SG_1 opened, and
 * every other final state with a commit is one of those that end through SG_3 or by enacting.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { statePath } from '../../src/runner/run-view.js';
import { runMachineV2 } from '../support/machines/run-machine-v2.js';
import { eventsFor, modelMachine, toModel, type ModelSnapshot } from '../model/run-model.js';

const ENDS_WITH_COMMITS = new Set(['completed', 'compensated', 'compensationFailed', 'compensationDeclined']);

/** The property, over random walks of `model`'s statechart. */
function holdsOnRandomWalks(model: typeof modelMachine, mode: 'LIVE' | 'DRYRUN'): void {
  fc.assert(
    fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 40 }), (choices) => {
        let snapshot: ModelSnapshot = initialTransition(model, { runId: 'walk', mode, initiator: 'carol', expectedPlanHash: null })[0];
        for (const choice of choices) {
          if (snapshot.status !== 'active') break;
          const events = eventsFor(snapshot);
          if (events.length === 0) break;
          [snapshot] = transition(model, snapshot, events[choice % events.length] as never);
          const state = statePath(snapshot.value);
          if (state === 'refused' || state === 'failed') {
            expect(snapshot.context.committed, state).toEqual([]);
            if (state === 'refused') expect(snapshot.context.approvals.SG_1, 'refused after SG_1 opened').toBeUndefined();
          } else if (snapshot.status === 'done' && snapshot.context.committed.length > 0) {
            expect(ENDS_WITH_COMMITS.has(state), state).toBe(true);
          }
        }
    }),
    { numRuns: 2000 },
  );
}

describe.each(['LIVE', 'DRYRUN'] as const)('no final state with committed work left behind, %s', (mode) => {
  it('holds on every step of random walks over the statechart', () => {
    holdsOnRandomWalks(modelMachine, mode);
  });
});

it('would have caught snapshot version 2, which ended a run refused by the kill switch after SG_1', () => {
  let caught: unknown;
  try {
    holdsOnRandomWalks(toModel(runMachineV2), 'LIVE');
  } catch (error) {
    caught = error;
  }
  // fast-check reports the failing assertion as the cause of its own error.
  expect(String((caught as { cause?: Error } | undefined)?.cause?.message)).toMatch(/^refused after SG_1 opened/);
});
