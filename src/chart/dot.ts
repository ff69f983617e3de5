import type { AnyStateMachine } from 'xstate';
import { matchesTransitionRef, transitionLabel, type TransitionRef } from './mermaid.js';
import { describeStatechart, type ChartState, type ChartTransition, type StatechartGraph } from './statechart-graph.js';

/** A DOT double-quoted string; paths keep their dots because DOT ids may be any quoted text. */
export function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

// State keys cannot contain `.` (xstate splits on it), so this pseudo-node never meets a real state.
const initialNode = (container: string): string => (container === '' ? '[*]' : `${container}.[*]`);

const isCluster = (state: ChartState | undefined): boolean =>
  state !== undefined && (state.kind === 'compound' || state.kind === 'parallel');

/** Options for {@link toDot}. */
export interface DotOptions {
  /**
   * The path one run took: its states and transitions are drawn in colour (SVG class `visited` / `taken`), `current`
   * (where the run is or ended) strongest, and everything else muted (`unvisited` / `untaken`, labels as tooltips).
   */
  readonly highlight?: {
    readonly states?: readonly string[];
    readonly transitions?: readonly TransitionRef[];
    readonly current?: string;
  };
}

// Colours that read on white and in print; the classes let a page or a test find the path without parsing colours.
const STYLE = {
  visited: 'class="visited", style="rounded,filled", fillcolor="#dbeafe", color="#1d4ed8", penwidth=2, fontcolor="#1e3a8a"',
  current: 'class="visited current", style="rounded,filled", fillcolor="#1d4ed8", color="#1e3a8a", penwidth=2.5, fontcolor="#ffffff"',
  unvisited: 'class="unvisited", color="#c4c9d2", fontcolor="#8a93a3"',
  taken: 'class="taken", color="#1d4ed8", penwidth=2.2, fontcolor="#1d4ed8"',
  untaken: 'class="untaken", color="#d4d8df", fontcolor="#a0a7b4"',
} as const;

/** Renders an already described machine; see {@link toDot}. */
export function graphToDot(graph: StatechartGraph, options: DotOptions = {}): string {
  const byPath = new Map(graph.states.map((s) => [s.path, s]));
  const highlight = options.highlight;
  const visited = new Set(highlight?.states ?? []);
  const nodeStyle = (path: string): string[] => {
    if (highlight === undefined) return [];
    const style = path === highlight.current ? STYLE.current : visited.has(path) ? STYLE.visited : STYLE.unvisited;
    return [`id=${dotString(`state:${path}`)}`, style];
  };
  const edgeStyle = (taken: boolean): string[] => (highlight === undefined ? [] : [taken ? STYLE.taken : STYLE.untaken]);
  const isTaken = (transition: ChartTransition): boolean =>
    (highlight?.transitions ?? []).some((ref) => matchesTransitionRef(ref, transition));
  const lines = [
    `digraph ${dotString(graph.id)} {`,
    '  compound=true;',
    '  graph [fontname="Helvetica"];',
    '  node [shape=box, style=rounded, fontname="Helvetica"];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];

  const emit = (container: string, initial: string | null, depth: number): void => {
    const pad = '  '.repeat(depth);
    // Clusters always get the point, even parallel ones without an initial child: edges into them aim at it.
    if (initial !== null || container !== '') {
      lines.push(`${pad}${dotString(initialNode(container))} [shape=point, label=""];`);
    }
    if (initial !== null) {
      const style = edgeStyle(visited.has(initial));
      lines.push(`${pad}${dotString(initialNode(container))} -> ${dotString(initial)}${style.length === 0 ? '' : ` [${style.join(', ')}]`};`);
    }
    for (const child of graph.states.filter((s) => (s.parent ?? '') === container)) {
      if (isCluster(child)) {
        lines.push(`${pad}subgraph ${dotString(`cluster_${child.path}`)} {`);
        lines.push(`${pad}  label=${dotString(child.key)};`);
        if (highlight !== undefined) lines.push(`${pad}  ${visited.has(child.path) ? 'color="#1d4ed8"; fontcolor="#1e3a8a"' : 'color="#c4c9d2"; fontcolor="#8a93a3"'};`);
        emit(child.path, child.initial, depth + 1);
        lines.push(`${pad}}`);
      } else {
        const attributes = [`label=${dotString(child.key)}`, ...(child.isFinal ? ['peripheries=2'] : []), ...nodeStyle(child.path)];
        lines.push(`${pad}${dotString(child.path)} [${attributes.join(', ')}];`);
      }
    }
  };
  emit('', graph.initial, 1);

  // A cluster is not a node: an edge to or from a compound state is drawn to its initial point, clipped at the box.
  for (const transition of graph.transitions) {
    const target = transition.target ?? transition.source;
    // With a path drawn, only its edges keep their labels on the page (the others' show on hover): unlabelled edges
    // let Graphviz lay the chart out small enough to read at page width.
    const label = dotString(transitionLabel(transition));
    const quiet = highlight !== undefined && !isTaken(transition);
    const attributes = [quiet ? `tooltip=${label}` : `label=${label}`, ...edgeStyle(isTaken(transition))];
    let from = transition.source;
    let to = target;
    if (isCluster(byPath.get(from))) {
      attributes.push(`ltail=${dotString(`cluster_${from}`)}`);
      from = initialNode(from);
    }
    if (isCluster(byPath.get(to))) {
      attributes.push(`lhead=${dotString(`cluster_${to}`)}`);
      to = initialNode(to);
    }
    lines.push(`  ${dotString(from)} -> ${dotString(to)} [${attributes.join(', ')}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/**
 * Renders a machine as Graphviz DOT (`cutter chart --format dot`): compound states become `cluster_<path>`
 * subgraphs, final states get a double border, and every TransitionDefinition is one labelled edge.
 */
export function toDot(machine: AnyStateMachine, options: DotOptions = {}): string {
  return graphToDot(describeStatechart(machine), options);
}
