/** Every state and every TransitionDefinition of the run machine reaches the generated diagram. */
import type { AnyStateNode } from 'xstate';
import { describe, expect, it } from 'vitest';
import { runMachine } from '../../../machines/run-machine.js';
import { PhaseId } from '../../../machines/run-types.js';
import {
  describeStatechart,
  escapeMermaidLabel,
  mermaidIds,
  toDot,
  toMermaid,
  transitionLabel,
} from '../../../src/chart/index.js';

/** Counted straight from xstate's nodes, independently of describeStatechart. */
function countNodes(node: AnyStateNode): { states: number; transitions: number } {
  let states = 0;
  let transitions = node.always?.length ?? 0;
  for (const candidates of node.transitions.values()) transitions += candidates.length;
  for (const child of Object.values(node.states)) {
    const below = countNodes(child);
    states += 1 + below.states;
    transitions += below.transitions;
  }
  return { states, transitions };
}

const graph = describeStatechart(runMachine);
const mermaid = toMermaid(runMachine);
const ids = mermaidIds(graph.states);
const idOf = (path: string): string => ids.get(path) ?? `<no id for ${path}>`;

describe('run machine chart', () => {
  it('describes every state node and every TransitionDefinition', () => {
    const counted = countNodes(runMachine.root);
    expect(graph.states).toHaveLength(counted.states);
    expect(graph.transitions).toHaveLength(counted.transitions);
  });

  it('draws every state', () => {
    for (const state of graph.states) {
      const id = idOf(state.path);
      expect(id).toMatch(/^\w+$/);
      expect(mermaid, state.path).toMatch(new RegExp(`(^|\\s)${id}(\\s|$)`, 'm'));
    }
    expect(mermaid).toContain('state torn {');
    expect(mermaid).toContain('[*] --> idle');
    for (const state of graph.states.filter((s) => s.isFinal)) expect(mermaid).toContain(`${state.path} --> [*]`);
  });

  it('draws every transition as one edge', () => {
    const edges = mermaid.split('\n').filter((line) => line.includes(' --> ') && !line.includes('[*]'));
    expect(edges).toHaveLength(countNodes(runMachine.root).transitions);
    for (const t of graph.transitions) {
      const line = `${idOf(t.source)} --> ${idOf(t.target ?? t.source)} : ${escapeMermaidLabel(transitionLabel(t))}`;
      expect(edges.map((edge) => edge.trim()), line).toContain(line);
    }
  });

  it('keeps the refusal-recording transitions visible as self-loops', () => {
    const stays = graph.transitions.filter((t) => t.target === null);
    expect(stays.map((t) => `${t.source} ${t.event}#${t.index} ${t.guard ?? 'else'}`)).toEqual([
      'awaitingCutApproval APPROVE#1 approvalValid(SG_1) and gateOpens(SG_1)',
      'awaitingCutApproval APPROVE#2 approvalValid(SG_1)',
      'awaitingCutApproval APPROVE#3 else',
      'awaitingCutApproval RESUME#1 gateOpens(SG_1)',
      'awaitingCutApproval RESUME#2 else',
      'awaitingCutApproval BIND_POLICY#0 policyInForce',
      'awaitingCutApproval BIND_POLICY#1 else',
      'awaitingEnactApproval APPROVE#2 approvalValid(SG_2)',
      'awaitingEnactApproval APPROVE#3 else',
      'awaitingEnactApproval RESUME#2 else',
      'awaitingEnactApproval BIND_POLICY#0 policyInForce',
      'awaitingEnactApproval BIND_POLICY#1 else',
      'halted RESUME#5 else',
      'torn.awaitingCompensationApproval APPROVE#1 approvalValid(SG_3) and gateOpens(SG_3)',
      'torn.awaitingCompensationApproval APPROVE#2 approvalValid(SG_3)',
      'torn.awaitingCompensationApproval APPROVE#3 else',
      'torn.awaitingCompensationApproval RESUME#1 gateOpens(SG_3)',
      'torn.awaitingCompensationApproval RESUME#2 else',
      'torn.awaitingCompensationApproval BIND_POLICY#0 policyInForce',
      'torn.awaitingCompensationApproval BIND_POLICY#1 else',
    ]);
    expect(mermaid).toContain('awaitingCutApproval --> awaitingCutApproval : APPROVE [else]');
  });

  it('renders combinator guards, invoke outcomes and nesting readably', () => {
    const sg1 = graph.transitions.find((t) => t.source === 'awaitingCutApproval' && t.index === 0);
    expect(sg1).toMatchObject({ event: 'APPROVE', guard: 'approvalValid(SG_1) and gateOpens(SG_1) and liveExecutionAllowed', target: 'backingUp' });
    const compensated = graph.transitions.find((t) => t.source === 'torn.compensating' && t.target === 'compensated');
    expect(compensated).toMatchObject({ event: 'xstate.done.actor.compensate', eventLabel: 'done: compensate', guard: null });
    expect(graph.states.find((s) => s.path === 'torn')).toMatchObject({
      kind: 'compound',
      parent: null,
      initial: 'torn.awaitingCompensationApproval',
    });
    expect(graph.states.find((s) => s.path === 'torn.awaitingCompensationApproval')).toMatchObject({
      parent: 'torn',
      tags: ['gate'],
    });
  });

  it('names every phase actor as an invoke', () => {
    const invoked = graph.states.flatMap((s) => s.invokes);
    expect([...invoked].sort()).toEqual(Object.values(PhaseId).sort());
  });

  it('marks highlighted states and transitions', () => {
    const out = toMermaid(runMachine, {
      highlight: { states: ['idle', 'torn.compensating'], transitions: [{ source: 'idle', event: 'START', index: 0 }] },
    });
    expect(out).toContain('class idle,torn__compensating highlighted');
    expect(out).toContain('idle --> precheck : ▶ START [executorReady]');
    expect(out).toContain('idle --> refused : START [else]');
    expect(() => toMermaid(runMachine, { highlight: { states: ['nowhere'] } })).toThrow(/unknown state 'nowhere'/);
  });

  it('renders DOT with the torn cluster', () => {
    const dot = toDot(runMachine);
    expect(dot).toContain('subgraph "cluster_torn" {');
    expect(dot).toContain('"recordingLedger" -> "torn.[*]" [label="error: ledger [else]", lhead="cluster_torn"];');
  });
});
