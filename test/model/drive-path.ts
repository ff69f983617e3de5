/**
 * Drives a real run along a model path: sends each human event of the path (with the kill switch set as the event's
 * flags say), lets the phases run, and at every settle point checks that the run is where the model is.
 */
import { expect } from 'vitest';
import type { Gate } from '../../src/domain/approval.js';
import type { Mode } from '../../src/domain/mode.js';
import type { Run } from '../../src/runner/create-run.js';
import { statePath, type RunView } from '../../src/runner/run-view.js';
import { approvalFor } from '../support/fixtures.js';
import { PHASE_EVENT, settleModel, type ModelPath, type ModelSnapshot } from './run-model.js';

export interface PathHooks {
  /** Sets the kill switch(es) the run reads. */
  readonly setSwitch: (on: boolean) => Promise<void> | void;
  readonly readSwitch: () => boolean;
  /** Called with a gate just before a valid approval is sent. */
  readonly beforeValidApproval?: (gate: Gate) => void;
  /** Called at every settle point, after the state was compared with the model. */
  readonly afterSettle?: (view: RunView) => Promise<void> | void;
}

/** A path as a readable label: its events and their flags. */
export function label(path: ModelPath): string {
  return path.steps
    .filter((s) => s.event.type !== 'xstate.init')
    .map((s) => s.event.type.replace('xstate.', '') + (s.event.model === undefined ? '' : JSON.stringify(s.event.model)))
    .join(' → ');
}

/** True when the path starts with a START that no executor of the mode answers (the run is refused at creation). */
export function startsWithoutExecutor(path: ModelPath): boolean {
  const first = path.steps.find((s) => s.event.type !== 'xstate.init')?.event;
  return first?.type === 'START' && first.model?.ready === false;
}

/** True when the path has planning fail (the runner's way: a pinned plan hash that does not match). */
export const planningFails = (path: ModelPath): boolean => path.steps.some((s) => s.event.type === 'xstate.error.actor.planning');

export async function drivePath(path: ModelPath, run: Run, mode: Mode, hooks: PathHooks): Promise<RunView> {
  let view: RunView = run.view();
  const lastPhaseStepAfter = (from: number): number => {
    let i = from;
    while (i < path.steps.length - 1 && PHASE_EVENT.test(path.steps[i + 1]?.event.type ?? '')) i++;
    return i;
  };

  for (let i = 0; i < path.steps.length; i++) {
    const { event } = path.steps[i] ?? { event: undefined };
    if (event === undefined || event.type === 'xstate.init' || PHASE_EVENT.test(event.type)) continue;
    if (event.model?.killSwitch !== undefined) await hooks.setSwitch(event.model.killSwitch === 'on');
    if (event.type === 'START') run.start();
    else if (event.type === 'APPROVE') {
      const gate = view.gate;
      if (gate === null) throw new Error(`APPROVE in ${view.state}`);
      const approver = gate === 'SG_2' ? 'bob' : 'alice';
      const valid = event.model?.valid === true;
      const approval = valid ? approvalFor(view, gate, approver) : approvalFor(view, gate, approver, {}, 'mallory');
      // Before sending: an accepted approval starts the next phase within the same call. A valid approval is kept
      // by the run even when the kill switch stops it (a halted run resumes on it).
      if (valid) hooks.beforeValidApproval?.(gate);
      const switchOn = hooks.readSwitch();
      const outcome = run.approve(approval);
      if (!valid) expect(outcome).toMatchObject({ accepted: false, code: 'E_APPROVAL_INVALID' });
      else if (!switchOn && mode === 'LIVE') expect(outcome).toMatchObject({ accepted: false, code: 'E_KILL_SWITCH_OFF' });
      else expect(outcome.accepted).toBe(true);
    } else {
      const { model: _flags, ...plain } = event;
      run.send(plain);
    }
    view = await run.settled();
    const settleIndex = lastPhaseStepAfter(i);
    const modelState = settleModel(path.steps[settleIndex]?.state as ModelSnapshot);
    expect(view.state, `after step ${i} (${event.type}) of ${label(path)}`).toBe(statePath(modelState.value));
    await hooks.afterSettle?.(view);
    i = settleIndex;
  }
  return view;
}
