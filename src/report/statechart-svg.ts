import { graphToDot, type StatechartGraph } from '../chart/index.js';
import type { RunPath } from './run-path.js';

/**
 * The run statechart as inline SVG with the path of one run drawn in colour: the DOT that `cutter chart --format dot`
 * prints, plus the path, laid out by Graphviz (compiled to WebAssembly, so nothing is installed or fetched). Rendered
 * when the report is written, so the page needs no script to show it.
 */
export async function renderPathSvg(graph: StatechartGraph, path: RunPath, current: string): Promise<string> {
  const dot = graphToDot(graph, {
    highlight: {
      states: path.states,
      current,
      transitions: path.steps.map(({ transition }) => ({ source: transition.source, event: transition.event, index: transition.index })),
    },
  });
  // Loaded on demand: only a report draws, and Graphviz in WebAssembly is one of the CLI's heaviest modules.
  const { instance } = await import('@viz-js/viz');
  const viz = await instance();
  return inlineSvg(viz.renderString(dot, { format: 'svg', graphAttributes: { bgcolor: 'transparent' } }));
}

/**
 * Makes Graphviz's SVG document fit inside HTML: drops the XML prolog, DOCTYPE and comments (a DOCTYPE is not
 * allowed there, and the comments name the Graphviz build), and lets CSS size the picture from its viewBox.
 */
export function inlineSvg(document: string): string {
  const start = document.indexOf('<svg');
  if (start < 0) throw new Error('Graphviz returned no <svg> element');
  return document
    .slice(start)
    .replace(/<!--[\s\S]*?-->\n?/g, '')
    // Graphviz sizes in points; one point per CSS pixel keeps node labels at 14px and edge labels at 10px.
    .replace(/^<svg width="([\d.]+)pt" height="([\d.]+)pt"/, '<svg width="$1" height="$2" role="img" aria-label="run statechart, this run\'s path highlighted"')
    .trim();
}
