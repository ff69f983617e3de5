import { and, not, or, stateIn } from 'xstate';
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';

/** What a state node is, as xstate classifies it. */
export type ChartStateKind = AnyStateNode['type'];

/** One state node of a machine, reduced to plain data. */
export interface ChartState {
  /** Dot-joined key path from the root, e.g. `torn.awaitingCompensationApproval`. */
  readonly path: string;
  readonly key: string;
  readonly kind: ChartStateKind;
  /** Path of the parent state; null for top-level states (the machine root is not listed). */
  readonly parent: string | null;
  /** Path of the initial child, for compound states. */
  readonly initial: string | null;
  /** Ids of the actors this state invokes, in definition order. */
  readonly invokes: readonly string[];
  readonly tags: readonly string[];
  readonly isFinal: boolean;
}

/** One TransitionDefinition of a machine, reduced to plain data. */
export interface ChartTransition {
  /** Path of the state that declares the transition. */
  readonly source: string;
  /** The raw event type xstate matches on; `''` for eventless (`always`) transitions. */
  readonly event: string;
  /** The event as a reader should see it: `done: backup` rather than `xstate.done.actor.backup`. */
  readonly eventLabel: string;
  /** The guard as a readable expression, e.g. `approvalValid(SG_1) and liveExecutionAllowed`. */
  readonly guard: string | null;
  /** Path of the target state; null when the transition only runs actions and stays put. */
  readonly target: string | null;
  /** Position among the candidates for this event on this state: the first whose guard passes wins. */
  readonly index: number;
  /** Action names, in order; inline `assign`s appear as `assign`. */
  readonly actions: readonly string[];
}

/** A machine's states and transitions, in definition order, so renderings built on it are stable. */
export interface StatechartGraph {
  readonly id: string;
  /** Path of the machine's initial state. */
  readonly initial: string | null;
  readonly states: readonly ChartState[];
  readonly transitions: readonly ChartTransition[];
}

// xstate marks combinator guards only by their `check` implementation; compare against the real ones rather than
// function names, which a bundler may mangle.
const checkOf = (guard: unknown): unknown => (guard as { check?: unknown }).check;
const AND_CHECK = checkOf(and([]));
const OR_CHECK = checkOf(or([]));
const NOT_CHECK = checkOf(not('x'));
const STATE_IN_CHECK = checkOf(stateIn('x'));

const pathOf = (node: AnyStateNode): string => node.path.join('.');

function valueLabel(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? 'undefined';
}

function paramsLabel(params: unknown): string {
  if (params === undefined) return '';
  if (typeof params === 'function') return '(…)';
  if (typeof params !== 'object' || params === null) return `(${valueLabel(params)})`;
  const values = Object.values(params).map(valueLabel);
  return values.length === 0 ? '' : `(${values.join(', ')})`;
}

/** Renders any guard form xstate accepts: a name, `{ type, params }`, `and`/`or`/`not`/`stateIn`, or inline. */
export function guardLabel(guard: unknown, nested = false): string | null {
  if (guard === undefined || guard === null) return null;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'object') {
    const { type, params } = guard as { type?: unknown; params?: unknown };
    return `${valueLabel(type)}${paramsLabel(params)}`;
  }
  if (typeof guard !== 'function') return valueLabel(guard);
  const check = checkOf(guard);
  const parts = ((guard as { guards?: unknown[] }).guards ?? []).map((g) => guardLabel(g, true) ?? 'true');
  const wrap = (text: string): string => (nested ? `(${text})` : text);
  if (check === AND_CHECK) return wrap(parts.join(' and '));
  if (check === OR_CHECK) return wrap(parts.join(' or '));
  if (check === NOT_CHECK) return `not ${parts[0] ?? 'true'}`;
  if (check === STATE_IN_CHECK) return `in(${valueLabel((guard as { stateValue?: unknown }).stateValue)})`;
  // An inline predicate written as `guard: (...) => ...` takes the property's name; that says nothing.
  const name = (guard as { name?: string }).name ?? '';
  return name === '' || name === 'guard' ? 'inline' : name;
}

/** Turns xstate's internal event types into what the statechart author wrote (`onDone`, `after`, ...). */
export function eventLabel(eventType: string): string {
  const prefixed: readonly (readonly [string, string])[] = [
    ['xstate.done.actor.', 'done: '],
    ['xstate.error.actor.', 'error: '],
    ['xstate.snapshot.', 'snapshot: '],
  ];
  for (const [prefix, label] of prefixed) {
    if (eventType.startsWith(prefix)) return label + eventType.slice(prefix.length);
  }
  if (eventType === '') return 'always';
  if (eventType.startsWith('xstate.done.state.')) return 'done';
  const after = /^xstate\.after\.([^.]+)\./.exec(eventType);
  if (after?.[1] !== undefined) return `after ${after[1]}`;
  return eventType;
}

function actionLabel(action: unknown): string {
  if (typeof action === 'string') return action;
  const { type, name } = action as { type?: unknown; name?: unknown };
  if (typeof type === 'string') return type.replace(/^xstate\./, '');
  return typeof name === 'string' && name !== '' ? name : 'inline';
}

function describeTransition(definition: AnyTransitionDefinition, event: string, index: number): ChartTransition {
  const targets = definition.target ?? [];
  if (targets.length > 1) throw new Error(`multi-target transition on '${pathOf(definition.source)}' is not charted`);
  const target = targets[0];
  return {
    source: pathOf(definition.source),
    event,
    eventLabel: eventLabel(event),
    guard: guardLabel(definition.guard),
    target: target === undefined ? null : pathOf(target),
    index,
    actions: definition.actions.map(actionLabel),
  };
}

function describeState(node: AnyStateNode): ChartState {
  const initial = node.type === 'compound' ? node.initial.target[0] : undefined;
  return {
    path: pathOf(node),
    key: node.key,
    kind: node.type,
    parent: node.parent === undefined || node.parent.parent === undefined ? null : pathOf(node.parent),
    initial: initial === undefined ? null : pathOf(initial),
    invokes: node.invoke.map((invocation) => invocation.id),
    tags: [...node.tags],
    isFinal: node.type === 'final',
  };
}

/**
 * Walks a machine's state nodes depth-first in definition order and returns its states and transitions as plain
 * data. Per state, event transitions come in the order xstate stores them (`on`, `after`, invoke `onDone`/`onError`,
 * state `onDone`), then `always`; candidates of one event keep their priority order.
 */
export function describeStatechart(machine: AnyStateMachine): StatechartGraph {
  const states: ChartState[] = [];
  const transitions: ChartTransition[] = [];
  const visit = (node: AnyStateNode): void => {
    if (node.parent !== undefined) states.push(describeState(node));
    for (const [event, candidates] of node.transitions) {
      candidates.forEach((definition, index) => transitions.push(describeTransition(definition, event, index)));
    }
    (node.always ?? []).forEach((definition, index) => transitions.push(describeTransition(definition, '', index)));
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(machine.root);
  const initial = machine.root.initial.target[0];
  return { id: machine.id, initial: initial === undefined ? null : pathOf(initial), states, transitions };
}
