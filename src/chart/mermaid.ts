import type { AnyStateMachine } from 'xstate';
import { describeStatechart, type ChartState, type ChartTransition, type StatechartGraph } from './statechart-graph.js';

/** Names transitions to emphasise: `event` is the raw type or its label; no `index` means every candidate. */
export interface TransitionRef {
  readonly source: string;
  readonly event: string;
  readonly index?: number;
}

/** Options for {@link toMermaid}. */
export interface MermaidOptions {
  /** States (by path) and transitions to emphasise, e.g. the path one run took. */
  readonly highlight?: {
    readonly states?: readonly string[];
    readonly transitions?: readonly TransitionRef[];
  };
}

// Mermaid's state lexer reads these as keywords wherever an id may start (`default` even as a prefix).
const RESERVED = new Set(['state', 'note', 'class', 'classdef', 'scale', 'direction', 'end', 'hide']);
const HIGHLIGHT_MARK = '▶ ';

/** Maps state paths to Mermaid ids: the lexer stops an id at `.`, `-`, `:` and whitespace, so only `\w` survives. */
export function mermaidIds(states: readonly ChartState[]): ReadonlyMap<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const state of states) {
    let id = state.path.split('.').map((segment) => segment.replace(/\W/g, '_')).join('__');
    if (RESERVED.has(id.toLowerCase()) || id.toLowerCase().startsWith('default')) id = `s_${id}`;
    let unique = id;
    for (let n = 2; used.has(unique); n++) unique = `${id}_${n}`;
    used.add(unique);
    ids.set(state.path, unique);
  }
  return ids;
}

/** Numeric entities, because Mermaid ends a label at `:` / `;` and treats `#` and `%%` specially. */
export function escapeMermaidLabel(text: string): string {
  return text
    .replace(/#/g, '#35;')
    .replace(/[:;%]/g, (c) => `#${c.charCodeAt(0)};`)
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * `EVENT [guard]`. A later unguarded candidate is only reached when the earlier guards fail; calling it `else`
 * keeps readers from taking it for an unconditional edge.
 */
export function transitionLabel(transition: ChartTransition): string {
  const guard = transition.guard ?? (transition.index > 0 ? 'else' : null);
  return guard === null ? transition.eventLabel : `${transition.eventLabel} [${guard}]`;
}

const isWithin = (path: string, container: string): boolean => container === '' || path.startsWith(`${container}.`);

/** The innermost compound block holding both ends; targetless transitions stay beside their source. */
function containerOf(transition: ChartTransition, parents: ReadonlyMap<string, string>): string {
  const target = transition.target ?? transition.source;
  let container = parents.get(transition.source) ?? '';
  while (container !== '' && !(isWithin(target, container) && target !== container)) {
    container = parents.get(container) ?? '';
  }
  return container;
}

/** Whether a transition is the one `ref` names (see {@link TransitionRef}). */
export function matchesTransitionRef(ref: TransitionRef, transition: ChartTransition): boolean {
  return (
    ref.source === transition.source &&
    (ref.event === transition.event || ref.event === transition.eventLabel) &&
    (ref.index === undefined || ref.index === transition.index)
  );
}

/** Renders an already described machine; see {@link toMermaid}. */
export function graphToMermaid(graph: StatechartGraph, options: MermaidOptions = {}): string {
  const ids = mermaidIds(graph.states);
  const idOf = (path: string): string => {
    const id = ids.get(path);
    if (path === '') throw new Error(`statechart '${graph.id}': transitions on the machine root cannot be drawn`);
    if (id === undefined) throw new Error(`unknown state '${path}' in statechart '${graph.id}'`);
    return id;
  };
  const parents = new Map(graph.states.map((s) => [s.path, s.parent ?? '']));
  const byContainer = new Map<string, ChartTransition[]>();
  for (const transition of graph.transitions) {
    const container = containerOf(transition, parents);
    byContainer.set(container, [...(byContainer.get(container) ?? []), transition]);
  }
  // Edges and [*] markers already declare a state; only a state nothing points at needs a line of its own.
  const referenced = new Set(graph.transitions.flatMap((t) => [t.source, t.target ?? t.source]));
  for (const state of graph.states) {
    if (state.isFinal) referenced.add(state.path);
    if (state.initial !== null) referenced.add(state.initial);
  }
  if (graph.initial !== null) referenced.add(graph.initial);
  const marked = options.highlight?.transitions ?? [];
  const lines = ['stateDiagram-v2'];

  const emit = (container: string, initial: string | null, depth: number): void => {
    const pad = '  '.repeat(depth);
    if (initial !== null) lines.push(`${pad}[*] --> ${idOf(initial)}`);
    const children = graph.states.filter((s) => (s.parent ?? '') === container);
    for (const child of children) {
      const id = idOf(child.path);
      const head = id === child.key ? id : `"${child.key}" as ${id}`;
      if (child.kind === 'compound' || child.kind === 'parallel') {
        lines.push(`${pad}state ${head} {`);
        emit(child.path, child.initial, depth + 1);
        lines.push(`${pad}}`);
      } else if (id !== child.key) {
        lines.push(`${pad}state ${head}`);
      } else if (!referenced.has(child.path)) {
        lines.push(`${pad}${id}`);
      }
    }
    for (const transition of byContainer.get(container) ?? []) {
      const mark = marked.some((ref) => matchesTransitionRef(ref, transition)) ? HIGHLIGHT_MARK : '';
      const label = escapeMermaidLabel(mark + transitionLabel(transition));
      const source = idOf(transition.source);
      lines.push(`${pad}${source} --> ${idOf(transition.target ?? transition.source)} : ${label}`);
    }
    for (const child of children) if (child.isFinal) lines.push(`${pad}${idOf(child.path)} --> [*]`);
  };
  emit('', graph.initial, 1);

  const highlighted = options.highlight?.states ?? [];
  if (highlighted.length > 0) {
    lines.push('  classDef highlighted fill:#fde68a,stroke:#b45309,stroke-width:2px');
    lines.push(`  class ${highlighted.map(idOf).join(',')} highlighted`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Renders a machine as a Mermaid `stateDiagram-v2`: compound states as nested blocks, `[*]` for initial and final
 * states, every TransitionDefinition as one edge labelled `EVENT [guard]`, and targetless transitions as self-loops
 * so that refusals stay visible.
 */
export function toMermaid(machine: AnyStateMachine, options: MermaidOptions = {}): string {
  return graphToMermaid(describeStatechart(machine), options);
}
