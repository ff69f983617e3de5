/**
 * Diagrams generated from a machine definition, never drawn by hand: a plain description of the statechart and
 * its Mermaid, Graphviz and Markdown renderings.
 * @packageDocumentation
 */
export {
  describeStatechart,
  eventLabel,
  guardLabel,
  type ChartState,
  type ChartStateKind,
  type ChartTransition,
  type StatechartGraph,
} from './statechart-graph.js';
export {
  escapeMermaidLabel,
  graphToMermaid,
  matchesTransitionRef,
  mermaidIds,
  toMermaid,
  transitionLabel,
  type MermaidOptions,
  type TransitionRef,
} from './mermaid.js';
export { dotString, graphToDot, toDot, type DotOptions } from './dot.js';
export { renderStatechartDoc, type StatechartDocOptions } from './statechart-doc.js';
