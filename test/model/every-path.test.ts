/**
 * Model-based tests: every edge of the run statechart's state graph, in both modes, replayed on the real runner with
 * scripted executors. At every settle point the runner must be where the model is, and the promises hold:
 * I1 (LIVE never reaches a simulator), I2 (DRYRUN never reaches an adapter, results are simulated), I3 (no executor
 * body runs while the switch reads OFF), I6 (no mutating call before its gate's approval) and I10 (a run with a
 * commit ends only completed or through SG_3, or waits parked).
 */
import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import type { Mode } from '../../src/domain/mode.js';
import type { Gate } from '../../src/domain/approval.js';
import { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import { createRun, type Run } from '../../src/runner/create-run.js';
import { statePath, type RunView } from '../../src/runner/run-view.js';
import { approvalFor, policy, samplePlan } from '../support/fixtures.js';
import { TripwireAdapter, TripwireSimulator } from '../support/executors.js';
import { allTransitions, eventsFor, modelMachine, pathsCoveringEveryEdge, transitionsTaken, type ModelPath, type ModelSnapshot } from './run-model.js';
import { Script, ScriptedLiveAdapter, ScriptedSimulator, type Outcome } from './scripted-executors.js';

const PHASE_EVENT = /^xstate\.(done|error)\.actor\.(.+)$/;
const SETTLED = (s: ModelSnapshot) => s.status !== 'active' || s.hasTag('gate') || s.hasTag('parked');
const GATE_CALLS: Readonly<Record<string, Gate>> = {
  preWriteBackup: 'SG_1', cutLegA: 'SG_1', legBRecord: 'SG_1', writeVerify: 'SG_1', lifecycleEnact: 'SG_2', compensateChangeSet: 'SG_3',
};
const ENDS_WITH_COMMITS = new Set(['completed', 'compensated', 'compensationFailed', 'compensationDeclined']);

/** Runs the model on from a snapshot, phases succeeding, until it settles (as the runner does once a script ends). */
function settleModel(snapshot: ModelSnapshot): ModelSnapshot {
  let current = snapshot;
  for (let guard = 0; guard < 20 && !SETTLED(current); guard++) {
    const [id] = Object.keys(current.children);
    if (id === undefined) break;
    const done = eventsFor(current).find((e) => e.type === `xstate.done.actor.${id}` && e.model?.killSwitch === 'on' && e.model.verified !== false && e.model.verifyOk !== false);
    if (done === undefined) break;
    [current] = transition(modelMachine, current, done as never);
  }
  return current;
}

function outcomesOf(path: ModelPath): Outcome[] {
  return path.steps.flatMap(({ event }) => {
    const match = PHASE_EVENT.exec(event.type);
    if (match === null || match[2] === 'planning') return [];
    return [{ actorId: match[2] ?? '', kind: match[1] === 'done' ? 'done' as const : 'error' as const, flags: event.model ?? {} }];
  });
}

async function replay(path: ModelPath, mode: Mode): Promise<void> {
  const killSwitch = new InMemoryKillSwitch(true);
  const script = new Script(outcomesOf(path), killSwitch);
  const executor = mode === 'LIVE' ? new ScriptedLiveAdapter(killSwitch, script) : new ScriptedSimulator(script);
  const tripwire = mode === 'LIVE' ? new TripwireSimulator() : new TripwireAdapter(killSwitch);
  const planningFails = path.steps.some((s) => s.event.type === 'xstate.error.actor.planning');
  const first = path.steps.find((s) => s.event.type !== 'xstate.init')?.event;

  if (first?.type === 'START' && first.model?.ready === false) {
    // A run without an executor of its mode is refused at creation, before any START.
    expect(() => createRun({ mode, plan: samplePlan(3), initiator: 'carol', approvals: policy, killSwitch, executor: tripwire })).toThrow();
    expect(statePath(path.state.value)).toBe('refused');
    return;
  }
  const run: Run = createRun({
    mode, plan: samplePlan(3), initiator: 'carol', approvals: policy, killSwitch, executor,
    ...(planningFails ? { expectedPlanHash: '0'.repeat(64) } : {}),
  });
  let view: RunView = run.view();
  const stepsUntilSettled = (from: number): number => {
    let i = from;
    while (i < path.steps.length - 1 && PHASE_EVENT.test(path.steps[i + 1]?.event.type ?? '')) i++;
    return i;
  };

  for (let i = 0; i < path.steps.length; i++) {
    const { event } = path.steps[i] ?? { event: undefined };
    if (event === undefined || event.type === 'xstate.init' || PHASE_EVENT.test(event.type)) continue;
    if (event.model?.killSwitch === 'on') killSwitch.turnOn();
    if (event.model?.killSwitch === 'off') killSwitch.turnOff();
    if (event.type === 'START') run.start();
    else if (event.type === 'APPROVE') {
      const gate = view.gate;
      if (gate === null) throw new Error(`APPROVE in ${view.state}`);
      const approver = gate === 'SG_2' ? 'bob' : 'alice';
      const approval = event.model?.valid === true ? approvalFor(view, gate, approver) : approvalFor(view, gate, approver, {}, 'mallory');
      // Recorded before sending: an accepted approval starts the next phase within the same call. A valid approval
      // is kept by the run even when the kill switch stops it (a halted run resumes on it).
      if (event.model?.valid === true) script.approved(gate);
      const switchOn = killSwitch.executionEnabled();
      const outcome = run.approve(approval);
      if (event.model?.valid !== true) expect(outcome).toMatchObject({ accepted: false, code: 'E_APPROVAL_INVALID' });
      else if (!switchOn && mode === 'LIVE') expect(outcome).toMatchObject({ accepted: false, code: 'E_KILL_SWITCH_OFF' });
      else expect(outcome.accepted).toBe(true);
    } else {
      const { model: _flags, ...plain } = event;
      run.send(plain);
    }
    view = await run.settled();

    const settleIndex = stepsUntilSettled(i);
    const modelState = settleModel(path.steps[settleIndex]?.state as ModelSnapshot);
    expect(view.state, `after step ${i} (${event.type}) of ${label(path)}`).toBe(statePath(modelState.value));
    i = settleIndex;
  }
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

function label(path: ModelPath): string {
  return path.steps.filter((s) => s.event.type !== 'xstate.init').map((s) => s.event.type.replace('xstate.', '') + (s.event.model === undefined ? '' : JSON.stringify(s.event.model))).join(' → ');
}

describe.each(['LIVE', 'DRYRUN'] as const)('every edge of the statechart, %s', (mode) => {
  const paths = pathsCoveringEveryEdge(mode);

  it('covers every transition the machine defines (LIVE; DRYRUN reports what it reaches)', () => {
    const [initial] = initialTransition(modelMachine, { runId: 'model', mode, initiator: 'carol', expectedPlanHash: null });
    const taken = new Set(paths.flatMap((p) => transitionsTaken(p, initial)));
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
});
