import type { AnyStateMachine } from 'xstate';
import { transitionLabel } from './mermaid.js';
import { describeStatechart, type ChartState, type StatechartGraph } from './statechart-graph.js';

/** A DOT double-quoted string; paths keep their dots because DOT ids may be any quoted text. */
export function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

// State keys cannot contain `.` (xstate splits on it), so this pseudo-node never meets a real state.
const initialNode = (container: string): string => (container === '' ? '[*]' : `${container}.[*]`);

const isCluster = (state: ChartState | undefined): boolean =>
  state !== undefined && (state.kind === 'compound' || state.kind === 'parallel');

/** Renders an already described machine; see {@link toDot}. */
export function graphToDot(graph: StatechartGraph): string {
  const byPath = new Map(graph.states.map((s) => [s.path, s]));
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
    if (initial !== null) lines.push(`${pad}${dotString(initialNode(container))} -> ${dotString(initial)};`);
    for (const child of graph.states.filter((s) => (s.parent ?? '') === container)) {
      if (isCluster(child)) {
        lines.push(`${pad}subgraph ${dotString(`cluster_${child.path}`)} {`);
        lines.push(`${pad}  label=${dotString(child.key)};`);
        emit(child.path, child.initial, depth + 1);
        lines.push(`${pad}}`);
      } else {
        const attributes = [`label=${dotString(child.key)}`, ...(child.isFinal ? ['peripheries=2'] : [])];
        lines.push(`${pad}${dotString(child.path)} [${attributes.join(', ')}];`);
      }
    }
  };
  emit('', graph.initial, 1);

  // A cluster is not a node: an edge to or from a compound state is drawn to its initial point, clipped at the box.
  for (const transition of graph.transitions) {
    const target = transition.target ?? transition.source;
    const attributes = [`label=${dotString(transitionLabel(transition))}`];
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
export function toDot(machine: AnyStateMachine): string {
  return graphToDot(describeStatechart(machine));
}
