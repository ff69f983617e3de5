/** The path a run took, derived from its journal alone, on real journals of real runs (memory run store). */
import { describe, expect, it } from 'vitest';
import { runMachine } from '../../../machines/run-machine.js';
import { describeStatechart } from '../../../src/chart/index.js';
import { deriveRunPath } from '../../../src/report/run-path.js';
import { compensatedDryRun, completedDryRun, haltedAndResumedLiveRun } from '../../support/journaled-runs.js';

const graph = describeStatechart(runMachine);
const HAPPY = ['idle', 'precheck', 'planning', 'awaitingCutApproval', 'backingUp', 'cutting', 'recordingLedger', 'verifying', 'awaitingEnactApproval', 'enacting', 'completed'];

describe('deriveRunPath', () => {
  it('follows a completed run, with a refused approval as the gate\'s self-loop rather than a second way out', async () => {
    const { journal, view } = await completedDryRun();
    const path = deriveRunPath(graph, journal, view.state);
    expect(path.complete).toBe(true);
    expect(path.states).toEqual(HAPPY);
    const atCut = path.steps.filter((s) => s.from === 'awaitingCutApproval');
    expect(atCut.map((s) => [s.event, s.to, s.transition.index])).toEqual([
      ['APPROVE', 'awaitingCutApproval', 3],
      ['APPROVE', 'backingUp', 0],
    ]);
    // Every step carries its journal entry, in journal order.
    expect(path.steps.map((s) => s.seq)).toEqual([...path.steps.map((s) => s.seq)].sort((a, b) => a - b));
    expect(path.steps.at(-1)).toMatchObject({ event: 'xstate.done.actor.enact', from: 'enacting', to: 'completed' });
  });

  it('enters a compound state at its initial child and leaves it through the child\'s transition', async () => {
    const { journal, view } = await compensatedDryRun();
    const path = deriveRunPath(graph, journal, view.state);
    expect(path.complete).toBe(true);
    expect(path.states.slice(-4)).toEqual(['awaitingEnactApproval', 'torn.awaitingCompensationApproval', 'torn.compensating', 'compensated']);
    expect(path.steps.find((s) => s.event === 'REJECT')).toMatchObject({ from: 'awaitingEnactApproval', to: 'torn.awaitingCompensationApproval' });
  });

  it('tells a refused RESUME (a self-loop) from the RESUME that continued a halted run, by the refusal journalled after it', async () => {
    const { journal, view } = await haltedAndResumedLiveRun();
    const path = deriveRunPath(graph, journal, view.state);
    expect(path.complete).toBe(true);
    expect(path.states).toEqual([...HAPPY.slice(0, 6), 'halted', ...HAPPY.slice(6)]);
    const resumes = path.steps.filter((s) => s.event === 'RESUME');
    expect(resumes.map((s) => [s.from, s.to, s.transition.actions])).toEqual([
      ['halted', 'halted', ['recordKillSwitchRefusal']],
      ['halted', 'recordingLedger', ['clearHalt']],
    ]);
    expect(path.steps.find((s) => s.event === 'xstate.done.actor.cut')).toMatchObject({ to: 'halted', transition: { index: 1 } });
  });

  it('of two self-loops for the same event, takes the one that records the refusal the journal shows', async () => {
    const { journal, view } = await compensatedDryRun();
    const at = journal.findIndex((e) => e.event.type === 'APPROVE' && (e.event.approval as { gate: string }).gate === 'SG_3');
    const approve = journal[at];
    if (approve === undefined) throw new Error('no SG_3 approval journalled');
    const withRefusal = (gate: string) => [
      ...journal.slice(0, at),
      approve,
      { seq: 0, at: approve.at, event: { type: 'cutter.refused', gate, code: 'E_X', reason: 'r' } },
      ...journal.slice(at),
    ].map((entry, i) => ({ ...entry, seq: i + 1 }));
    const loopAt = (gate: string) => deriveRunPath(graph, withRefusal(gate), view.state).steps.find((s) => s.to === s.from && s.from === 'torn.awaitingCompensationApproval');
    expect(loopAt('kill-switch')?.transition).toMatchObject({ index: 1, actions: ['recordKillSwitchRefusal'] });
    expect(loopAt('SG_3')?.transition).toMatchObject({ index: 3, actions: ['recordApprovalRefusal'] });
    expect(loopAt('policy')?.transition).toMatchObject({ index: 2, actions: ['collectApproval', 'recordGateWaiting'] });
  });

  it('says so when no path through the chart explains the journal, and highlights only what the journal names', async () => {
    const { journal } = await completedDryRun();
    const path = deriveRunPath(graph, journal, 'compensationFailed');
    expect(path.complete).toBe(false);
    expect(path.steps).toEqual([]);
    expect(path.states).toEqual(['idle', 'precheck', 'planning', 'backingUp', 'cutting', 'recordingLedger', 'verifying', 'enacting', 'compensationFailed']);
  });

  it('a run that never started is at its initial state with no steps', () => {
    expect(deriveRunPath(graph, [{ seq: 1, at: '2026-01-01T00:00:00.000Z', event: { type: 'xstate.init' } }], 'idle')).toEqual({ steps: [], states: ['idle'], complete: true });
  });
});
