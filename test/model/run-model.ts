/**
 * The run statechart as a test model. Guards that read the world (executor present, kill switch, approval valid) read
 * flags on the model's events instead, so traversal explores both sides of each; everything else is the real machine.
 * Events are derived from what each state accepts, so a new state or transition is explored with no edit here.
 */
import { transition, type AnyStateNode, type EventObject, type SnapshotFrom } from 'xstate';
import { getAdjacencyMap, getShortestPaths, type StatePath } from 'xstate/graph';
import { runMachine } from '../../machines/run-machine.js';
import type { RunInput } from '../../machines/run-types.js';
import type { Mode } from '../../src/domain/mode.js';
import { pinChangeSet } from '../../src/domain/change-set.js';
import { statePath } from '../../src/runner/run-view.js';
import type { PersistedRun } from '../../machines/snapshot-migrations.js';
import { CURRENT_RELEASE } from '../../src/runs/upgrade/release.js';
import { strandedSnapshot } from '../../src/runs/upgrade/upgrade-snapshot.js';
import { samplePlan } from '../support/fixtures.js';

/** Flags a model event carries for the world-reading guards and the phase outcome it stands for. */
export interface ModelFlags {
  readonly ready?: boolean;
  readonly valid?: boolean;
  readonly killSwitch?: 'on' | 'off';
  readonly verified?: boolean;
  readonly verifyOk?: boolean;
  readonly errorKind?: 'generic' | 'killSwitch';
  /** The approval policy is met at the gate (its window open): false stands for any unmet rule. */
  readonly open?: boolean;
  /** A BIND_POLICY names the policy in force. */
  readonly inForce?: boolean;
}
export type ModelEvent = EventObject & { readonly model?: ModelFlags } & Record<string, unknown>;

const flagsOf = (event: unknown): ModelFlags => (event as { model?: ModelFlags }).model ?? {};

/** A run machine as a test model: its world-reading guards read the flags on the model's events. */
export function toModel(machine: typeof runMachine) {
  return machine.provide({
    guards: {
      executorReady: ({ event }) => flagsOf(event).ready !== false,
      killSwitchOn: ({ event }) => flagsOf(event).killSwitch !== 'off',
      approvalValid: ({ event }) => flagsOf(event).valid === true,
      // Every quorum is at least one: a RESUME opens a gate only once some approval was collected there.
      gateOpens: ({ context, event }, { gate }) => flagsOf(event).open !== false && (event.type === 'APPROVE' || (context.collected[gate]?.length ?? 0) > 0),
      policyInForce: ({ event }) => flagsOf(event).inForce === true,
    },
  });
}

export const modelMachine = toModel(runMachine);
export type ModelSnapshot = SnapshotFrom<typeof modelMachine>;

const changeSet = pinChangeSet(samplePlan(3), 'run-1');
const fakeApproval = {
  gate: 'SG_1', runId: 'model', changeSetId: changeSet.changeSetId, planHash: changeSet.planHash, approver: 'alice',
  reason: 'model', issuedAt: '2026-01-01T00:00:00.000Z', expiresAt: '2999-01-01T00:00:00.000Z', reviewDecisionId: 'RD-1', signature: 'x',
};

/** What a phase actor would output, shaped by the event's flags. */
function outputFor(actorId: string, flags: ModelFlags): unknown {
  const simulated = false;
  switch (actorId) {
    case 'precheck': return { executor: 'model', target: 'model', rowCount: 3 };
    case 'planning': return changeSet;
    case 'backup': return { backupId: 'b', location: 'l', sha256: 's', bytes: 1, verified: flags.verified !== false, takenAt: 't', simulated };
    case 'cut': return { changeSetId: changeSet.changeSetId, created: 3, simulated };
    case 'ledger': return { changeSetId: changeSet.changeSetId, ledgerEntryId: 'l', recordHash: 'h', simulated };
    case 'verify': return { changeSetId: changeSet.changeSetId, ok: flags.verifyOk !== false, expectedCount: 3, actualCount: 3, expectedDigest: 'd', actualDigest: 'd', simulated };
    case 'enact': return { changeSetId: changeSet.changeSetId, reviewDecisionId: 'RD-1', enacted: 3, supersededCount: 0, lifecycleLogRows: 3, simulated };
    case 'compensate': return { changeSetId: changeSet.changeSetId, removedDrafts: 3, retired: 0, reEnacted: 0, actions: [], simulated };
    default: return {};
  }
}

const DONE = 'xstate.done.actor.';
const ERROR = 'xstate.error.actor.';

/** Every variant of an event type that the model explores. */
function variantsOf(type: string): ModelEvent[] {
  if (type === 'START') return [{ type, model: { ready: true } }, { type, model: { ready: false } }];
  if (type === 'APPROVE') {
    return [
      { type, approval: fakeApproval, model: { valid: true, open: true, killSwitch: 'on' } },
      { type, approval: fakeApproval, model: { valid: true, open: true, killSwitch: 'off' } },
      { type, approval: fakeApproval, model: { valid: true, open: false, killSwitch: 'on' } },
      { type, approval: fakeApproval, model: { valid: false, open: true, killSwitch: 'on' } },
    ];
  }
  if (type === 'BIND_POLICY') return [true, false].map((inForce) => ({ type, policyHash: 'f'.repeat(64), by: 'dave', reason: 'model', model: { inForce } }));
  if (type === 'REJECT') return (['SG_1', 'SG_2', 'SG_3'] as const).map((gate) => ({ type, gate, by: 'dave', reason: 'model' }));
  if (type === 'RESUME') {
    return [
      { type, by: 'dave', model: { killSwitch: 'on', open: true } },
      { type, by: 'dave', model: { killSwitch: 'off', open: true } },
      { type, by: 'dave', model: { killSwitch: 'on', open: false } },
    ];
  }
  if (type.startsWith(DONE)) {
    const id = type.slice(DONE.length);
    const variants: ModelFlags[] = [{ killSwitch: 'on' }, { killSwitch: 'off' }];
    if (id === 'backup') variants.push({ killSwitch: 'on', verified: false });
    if (id === 'verify') variants.push({ killSwitch: 'on', verifyOk: false });
    return variants.map((model) => ({ type, output: outputFor(id, model), model }));
  }
  if (type.startsWith(ERROR)) {
    return (['generic', 'killSwitch'] as const).map((errorKind) => ({
      type,
      error: errorKind === 'killSwitch' ? Object.assign(new Error('kill switch'), { code: 'E_KILL_SWITCH_OFF' }) : new Error('injected'),
      model: { errorKind },
    }));
  }
  return [{ type, by: 'dave', reason: 'model' }];
}

/** The events a snapshot accepts, in every variant, keeping only those some transition takes. */
export function eventsFor(snapshot: ModelSnapshot): ModelEvent[] {
  const types = new Set<string>(snapshot._nodes.flatMap((node: AnyStateNode): string[] => node.ownEvents as string[]));
  return [...types].flatMap(variantsOf).filter((event) => snapshot.can(event as never));
}

/** Identity of a state for traversal: what decides future behaviour, not the ever-growing refusal log. */
export function serializeState(snapshot: ModelSnapshot): string {
  const { committed, haltedBefore, approvals, collected, changeSet: pinned } = snapshot.context;
  // Whether a gate has collected an approval decides whether a RESUME can open it; how many does not, for the model.
  const collectedAt = Object.entries(collected ?? {}).filter(([, records]) => (records?.length ?? 0) > 0).map(([gate]) => gate).sort();
  return JSON.stringify([statePath(snapshot.value), committed, haltedBefore, Object.keys(approvals).sort(), collectedAt, pinned !== null]);
}

const serializeEvent = (event: ModelEvent): string =>
  JSON.stringify([event.type, event.model ?? null, (event as { gate?: string }).gate ?? null]);

export type ModelPath = StatePath<ModelSnapshot, ModelEvent>;

const traversal = (mode: Mode) => ({
  input: { runId: 'model', mode, initiator: 'carol', expectedPlanHash: null } satisfies RunInput,
  events: eventsFor,
  serializeState,
  serializeEvent,
  stopWhen: (s: ModelSnapshot) => s.status !== 'active',
});

/** One path per edge of the state graph: the shortest path to the edge's source, then the edge. */
export function pathsCoveringEveryEdge(mode: Mode, model: typeof modelMachine = modelMachine): ModelPath[] {
  const options = traversal(mode);
  const shortest = new Map(getShortestPaths(model, options as never).map((p) => [serializeState(p.state), p as unknown as ModelPath]));
  const adjacency = getAdjacencyMap(model, options as never) as unknown as Record<string, { transitions: Record<string, { event: ModelEvent; state: ModelSnapshot }> }>;
  const paths: ModelPath[] = [];
  for (const [source, { transitions }] of Object.entries(adjacency)) {
    const prefix = shortest.get(source);
    if (prefix === undefined) continue;
    for (const { event, state } of Object.values(transitions)) {
      paths.push({ state, steps: [...prefix.steps, { event, state }], weight: prefix.steps.length + 1 });
    }
  }
  return paths;
}

/**
 * The `stranded` state is entered only by restoring a run a later release cannot carry on, never by an event. Its
 * model starts are every state a run can be stored in (each reachable active state), stranded as an upgrade would
 * strand it: the persisted snapshot, put in `stranded` with its context carried over.
 */
export function strandedStarts(mode: Mode): { readonly from: string; readonly persisted: PersistedRun; readonly snapshot: ModelSnapshot }[] {
  const options = traversal(mode);
  const starts = getShortestPaths(modelMachine, options as never)
    .map((p) => p.state)
    .filter((s) => s.status === 'active' && statePath(s.value) !== 'stranded');
  return starts.map((s) => {
    const persisted = strandedSnapshot(CURRENT_RELEASE, modelMachine.getPersistedSnapshot(s) as unknown as PersistedRun, 'model: stranded by an upgrade');
    return { from: serializeState(s), persisted, snapshot: modelMachine.resolveState(persisted as never) };
  });
}

/** The transitions CANCEL takes from a stranded start, identified as in {@link allTransitions}. */
export function strandedTransitionsTaken(start: ModelSnapshot): string[] {
  return modelMachine.getTransitionData(start, { type: 'CANCEL', by: 'dave', reason: 'model' } as never).map((definition) => {
    const candidates = definition.source.transitions.get(definition.eventType) ?? [];
    return `${definition.source.id}|${definition.eventType}|${candidates.indexOf(definition)}`;
  });
}

/** Every transition the machine defines, as `source|event|index`. */
export function allTransitions(): string[] {
  const ids: string[] = [];
  const visit = (node: AnyStateNode): void => {
    for (const [eventType, definitions] of node.transitions) definitions.forEach((_, i) => ids.push(`${node.id}|${eventType}|${i}`));
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(modelMachine.root);
  return ids;
}

/** The transitions a path takes, identified as in {@link allTransitions}. */
export function transitionsTaken(path: ModelPath, initial: ModelSnapshot): string[] {
  const taken: string[] = [];
  let before = initial;
  for (const step of path.steps) {
    for (const definition of modelMachine.getTransitionData(before, step.event as never)) {
      const candidates = definition.source.transitions.get(definition.eventType) ?? [];
      taken.push(`${definition.source.id}|${definition.eventType}|${candidates.indexOf(definition)}`);
    }
    before = step.state;
  }
  return taken;
}

/** A phase's completion or failure, as the model spells it. */
export const PHASE_EVENT = /^xstate\.(done|error)\.actor\.(.+)$/;
/** Where the runner stops on its own: a gate, a parked state, or the end. */
export const SETTLED = (s: ModelSnapshot): boolean => s.status !== 'active' || s.hasTag('gate') || s.hasTag('parked');

/** Runs the model on from a snapshot, phases succeeding, until it settles (as the runner does once a script ends). */
export function settleModel(snapshot: ModelSnapshot): ModelSnapshot {
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

/** A phase outcome the scripted executors play back, in order. */
export interface Outcome {
  readonly actorId: string;
  readonly kind: 'done' | 'error';
  readonly flags: ModelFlags;
}

/** The phase outcomes of a path, in order (planning is not an executor call: it fails by a pinned plan hash). */
export function outcomesOf(path: ModelPath): Outcome[] {
  return path.steps.flatMap(({ event }) => {
    const match = PHASE_EVENT.exec(event.type);
    if (match === null || match[2] === 'planning') return [];
    return [{ actorId: match[2] ?? '', kind: match[1] === 'done' ? 'done' as const : 'error' as const, flags: event.model ?? {} }];
  });
}
