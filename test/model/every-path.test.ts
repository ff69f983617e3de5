/**
 * Model-based tests: every edge of the run statechart's state graph, in both modes, replayed on the real runner with
 * scripted executors. At every settle point the runner must be where the model is, and the promises hold:
 * I1 (LIVE never reaches a simulator), I2 (DRYRUN never reaches an adapter, results are simulated), I3 (no executor
 * body runs while the switch reads OFF), I6 (no mutating call before its gate's approval) and I10 (a run with a
 * commit ends only completed or through SG_3, or waits parked).
 */
import { describe, expect, it } from 'vitest';
import { initialTransition } from 'xstate';
import type { Mode } from '../../src/domain/mode.js';
import type { Gate } from '../../src/domain/approval.js';
import { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import { createRun, type Run } from '../../src/runner/create-run.js';
import { statePath, type RunView } from '../../src/runner/run-view.js';
import { samplePlan } from '../support/fixtures.js';
import { FakeLiveAdapter, TripwireAdapter, TripwireSimulator } from '../support/executors.js';
import type { Snapshot } from 'xstate';
import { drivePath, label, modelApproval, modelPolicy, planningFails, startsWithoutExecutor } from './drive-path.js';
import { allTransitions, modelMachine, outcomesOf, pathsCoveringEveryEdge, strandedStarts, strandedTransitionsTaken, transitionsTaken, type ModelPath } from './run-model.js';
import { Script, ScriptedLiveAdapter, ScriptedSimulator } from './scripted-executors.js';

const GATE_CALLS: Readonly<Record<string, Gate>> = {
  preWriteBackup: 'SG_1', cutLegA: 'SG_1', legBRecord: 'SG_1', writeVerify: 'SG_1', lifecycleEnact: 'SG_2', compensateChangeSet: 'SG_3',
};
const ENDS_WITH_COMMITS = new Set(['completed', 'compensated', 'compensationFailed', 'compensationDeclined']);


async function replay(path: ModelPath, mode: Mode): Promise<void> {
  const killSwitch = new InMemoryKillSwitch(true);
  const script = new Script(outcomesOf(path), killSwitch);
  const executor = mode === 'LIVE' ? new ScriptedLiveAdapter(killSwitch, script) : new ScriptedSimulator(script);
  const tripwire = mode === 'LIVE' ? new TripwireSimulator() : new TripwireAdapter(killSwitch);
  if (startsWithoutExecutor(path)) {
    // A run without an executor of its mode is refused at creation, before any START.
    expect(() => createRun({ mode, plan: samplePlan(3), initiator: 'carol', approvals: modelPolicy, killSwitch, executor: tripwire })).toThrow();
    expect(statePath(path.state.value)).toBe('refused');
    return;
  }
  const run: Run = createRun({
    mode, plan: samplePlan(3), initiator: 'carol', approvals: modelPolicy, killSwitch, executor,
    ...(planningFails(path) ? { expectedPlanHash: '0'.repeat(64) } : {}),
  });
  const view = await drivePath(path, run, mode, {
    setSwitch: (on) => { if (on) killSwitch.turnOn(); else killSwitch.turnOff(); },
    readSwitch: () => killSwitch.executionEnabled(),
    beforeValidApproval: (gate) => { script.approved(gate); },
  });
  checkInvariants(mode, view, script, tripwire);
}

function checkInvariants(mode: Mode, view: RunView, script: Script, tripwire: TripwireSimulator | TripwireAdapter): void {
  // I1 / I2: the executor of the other mode is never reached.
  expect(tripwire.calls).toEqual([]);
  const results = Object.values(view.context.results).filter((r): r is { simulated: boolean } => typeof r === 'object' && 'simulated' in r);
  if (mode === 'DRYRUN') expect(results.every((r) => r.simulated)).toBe(true);
  else expect(results.some((r) => r.simulated)).toBe(false);
  // I3: no LIVE executor body ran while the switch read OFF.
  if (mode === 'LIVE') expect(script.timeline.filter((e) => 'call' in e && !e.switchOn)).toEqual([]);
  // I6: every mutating call comes after its gate's accepted approval.
  const approved = new Set<string>();
  for (const entry of script.timeline) {
    if ('approved' in entry) approved.add(entry.approved);
    else if (mode === 'LIVE' && GATE_CALLS[entry.call] !== undefined) expect(approved.has(GATE_CALLS[entry.call] ?? ''), entry.call).toBe(true);
  }
  // I10: a run with a commit never ends silently.
  if (view.context.committed.length > 0) {
    if (view.status === 'done') expect(ENDS_WITH_COMMITS.has(view.output?.status ?? '')).toBe(true);
    else expect(view.gate === 'SG_3' || view.state === 'halted' || view.gate === 'SG_2').toBe(true);
  }
}


describe.each(['LIVE', 'DRYRUN'] as const)('every edge of the statechart, %s', (mode) => {
  const paths = pathsCoveringEveryEdge(mode);

  it('covers every transition the machine defines (LIVE; DRYRUN reports what it reaches)', () => {
    const [initial] = initialTransition(modelMachine, { runId: 'model', mode, initiator: 'carol', expectedPlanHash: null });
    const taken = new Set([...paths.flatMap((p) => transitionsTaken(p, initial)), ...strandedStarts(mode).flatMap((s) => strandedTransitionsTaken(s.snapshot))]);
    const all = allTransitions();
    const missing = all.filter((t) => !taken.has(t));
    console.info(`[model ${mode}] transitions covered: ${all.length - missing.length}/${all.length} over ${paths.length} paths`);
    // In DRYRUN the kill switch cannot stop a run, so the halt and kill-switch transitions are unreachable there.
    if (mode === 'LIVE') expect(missing).toEqual([]);
    else expect(missing.length).toBeLessThan(all.length / 2);
  });

  it.each(paths.map((p, i) => [i, label(p), p] as const))('path %i: %s', async (_, __, path) => {
    await replay(path, mode);
  });

  // I10 and I15 for runs an upgrade strands: whatever state a run was stored in, cancelling it never ends it
  // silently once it may have written (SG_1 approved, or a commit): it goes to SG_3, and SG_3 compensates.
  it.each(strandedStarts(mode).map((s) => [s.from, s] as const))('stranded from %s: CANCEL ends it, through SG_3 if it may have written', async (_, start) => {
    const killSwitch = new InMemoryKillSwitch(true);
    const run = createRun({
      mode, runId: start.snapshot.context.runId, plan: samplePlan(3), initiator: 'carol', approvals: modelPolicy, killSwitch,
      ...(mode === 'LIVE' ? { executor: new FakeLiveAdapter(killSwitch) } : {}),
      snapshot: start.persisted as unknown as Snapshot<unknown>,
    });
    expect(run.view()).toMatchObject({ state: 'stranded', parked: true, context: { error: { code: 'E_RUN_STRANDED' } } });
    run.cancel('dave', 'cannot continue after the upgrade');
    const after = await run.settled();
    const mayHaveWritten = start.snapshot.context.committed.length > 0 || start.snapshot.context.approvals.SG_1 !== undefined;
    if (!mayHaveWritten) {
      expect(after.output?.status).toBe('cancelled');
      return;
    }
    expect(after.gate).toBe('SG_3');
    // Someone who approved no gate of the model's runs (they are all alice's there).
    run.approve(modelApproval(after, 'SG_3', 'judy'));
    expect((await run.settled()).output?.status).toBe('compensated');
  });
});
