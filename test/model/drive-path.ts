/**
 * Drives a real run along a model path: sends each human event of the path (with the kill switch set as the event's
 * flags say), lets the phases run, and at every settle point checks that the run is where the model is.
 */
import { expect } from 'vitest';
import type { Gate } from '../../src/domain/approval.js';
import type { Mode } from '../../src/domain/mode.js';
import type { Run } from '../../src/runner/create-run.js';
import { statePath, type RunView } from '../../src/runner/run-view.js';
import { generateApproverKeyPair, signApproval, type ApprovalPolicy } from '../../src/approvals/index.js';
import { resolvePolicy } from '../../src/policy/resolve.js';
import { approvalFor } from '../support/fixtures.js';
import { PHASE_EVENT, settleModel, type ModelPath, type ModelSnapshot } from './run-model.js';

/** Enough approvers that a path never runs out of people who have not approved (each counts once, at one gate). */
const POOL = ['alice', 'bob', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy'] as const;
const poolKeys = Object.fromEntries(POOL.map((name) => [name, generateApproverKeyPair()]));
const mallory = generateApproverKeyPair();

/**
 * The model's `open` flag, made real: every gate opens only inside one explicit window around the moment the test
 * file loaded, and the policy's clock, which the driver sets, is inside it or two days before it.
 */
const T0 = Date.now();
let clock = T0;
export const modelPolicy: ApprovalPolicy = {
  approvers: Object.fromEntries(POOL.map((name) => [name, poolKeys[name]?.publicKey ?? ''])),
  rules: {
    windows: { model: { timeZone: 'UTC', explicit: [{ from: new Date(T0 - 86_400_000).toISOString(), to: new Date(T0 + 86_400_000).toISOString() }] } },
    gates: { SG_1: { windows: ['model'] }, SG_2: { windows: ['model'] }, SG_3: { windows: ['model'] } },
  },
  now: () => new Date(clock),
};
/** A valid approval of `gate` by one of the model policy's approvers, signed with their key. */
export function modelApproval(view: RunView, gate: Gate, approver: (typeof POOL)[number]) {
  const { signature: _unsigned, ...claims } = approvalFor(view, gate, approver);
  return signApproval(claims, poolKeys[approver]?.privateKey ?? '');
}

const setWindow = (open: boolean | undefined) => { clock = open === false ? T0 - 2 * 86_400_000 : T0; };

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
  const used = new Set<string>();
  const nextApprover = (): string => {
    const name = POOL.find((n) => !used.has(n));
    if (name === undefined) throw new Error('the model path used every approver of the pool');
    used.add(name);
    return name;
  };
  const lastPhaseStepAfter = (from: number): number => {
    let i = from;
    while (i < path.steps.length - 1 && PHASE_EVENT.test(path.steps[i + 1]?.event.type ?? '')) i++;
    return i;
  };

  for (let i = 0; i < path.steps.length; i++) {
    const { event } = path.steps[i] ?? { event: undefined };
    if (event === undefined || event.type === 'xstate.init' || PHASE_EVENT.test(event.type)) continue;
    if (event.model?.killSwitch !== undefined) await hooks.setSwitch(event.model.killSwitch === 'on');
    setWindow(event.model?.open);
    if (event.type === 'START') run.start();
    else if (event.type === 'APPROVE') {
      const gate = view.gate;
      if (gate === null) throw new Error(`APPROVE in ${view.state}`);
      const valid = event.model?.valid === true;
      const { signature: _unsigned, ...claims } = approvalFor(view, gate, valid ? nextApprover() : 'alice');
      // A valid approval by someone who has not approved this run; an invalid one signed by a key the policy does not know.
      const approval = signApproval(claims, (valid ? poolKeys[claims.approver] : mallory)?.privateKey ?? '');
      // Before sending: an accepted approval starts the next phase within the same call. A valid approval is kept
      // by the run even when the kill switch stops it (a halted run resumes on it).
      if (valid) hooks.beforeValidApproval?.(gate);
      const switchOn = hooks.readSwitch();
      const outcome = run.approve(approval);
      if (!valid) expect(outcome).toMatchObject({ accepted: false, code: 'E_APPROVAL_INVALID' });
      else if (event.model?.open === false) expect(outcome).toMatchObject({ accepted: true, waits: { code: 'E_CHANGE_WINDOW_CLOSED' } });
      else if (!switchOn && mode === 'LIVE') expect(outcome).toMatchObject({ accepted: false, code: 'E_KILL_SWITCH_OFF' });
      else expect(outcome).toEqual({ accepted: true });
    } else if (event.type === 'BIND_POLICY') {
      run.send({ type: 'BIND_POLICY', policyHash: event.model?.inForce === true ? resolvePolicy(modelPolicy).hash : '0'.repeat(64), by: 'dave', reason: 'model' });
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
