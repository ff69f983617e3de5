/** A machine small enough to write its expected diagrams by hand. */
import { and, fromPromise, not, or, setup } from 'xstate';
import { describe, expect, it } from 'vitest';
import { describeStatechart, toDot, toMermaid } from '../../../src/chart/index.js';

const toy = setup({
  types: { events: {} as { type: 'GO' } | { type: 'STOP' } | { type: 'RETRY' } },
  actors: { fetcher: fromPromise(() => Promise.resolve(1)) },
  guards: { ready: () => true, allowed: () => true, blocked: () => false },
  actions: { note: () => undefined },
}).createMachine({
  id: 'toy',
  initial: 'idle',
  states: {
    idle: {
      on: { GO: [{ guard: and(['ready', or(['allowed', not('blocked')])]), target: 'busy' }, { actions: 'note' }] },
    },
    busy: {
      initial: 'loading',
      states: {
        loading: { invoke: { id: 'fetch', src: 'fetcher', onDone: 'shown', onError: '#toy.failed' } },
        shown: { on: { STOP: 'closing' } },
        closing: { type: 'final' },
      },
      onDone: 'finished',
    },
    failed: { tags: ['parked'], on: { RETRY: 'busy' } },
    finished: { type: 'final' },
  },
});

describe('toy machine chart', () => {
  it('renders exactly the expected Mermaid', () => {
    expect(toMermaid(toy)).toBe(
      [
        'stateDiagram-v2',
        '  [*] --> idle',
        '  state busy {',
        '    [*] --> busy__loading',
        '    state "loading" as busy__loading',
        '    state "shown" as busy__shown',
        '    state "closing" as busy__closing',
        '    busy__loading --> busy__shown : done#58; fetch',
        '    busy__shown --> busy__closing : STOP',
        '    busy__closing --> [*]',
        '  }',
        '  idle --> busy : GO [ready and (allowed or not blocked)]',
        '  idle --> idle : GO [else]',
        '  busy --> finished : done',
        '  busy__loading --> failed : error#58; fetch',
        '  failed --> busy : RETRY',
        '  finished --> [*]',
        '',
      ].join('\n'),
    );
  });

  it('describes states and transitions as plain data', () => {
    const graph = describeStatechart(toy);
    expect(graph.initial).toBe('idle');
    expect(graph.states.map((s) => [s.path, s.kind, s.parent, s.initial, s.invokes, s.tags, s.isFinal])).toEqual([
      ['idle', 'atomic', null, null, [], [], false],
      ['busy', 'compound', null, 'busy.loading', [], [], false],
      ['busy.loading', 'atomic', 'busy', null, ['fetch'], [], false],
      ['busy.shown', 'atomic', 'busy', null, [], [], false],
      ['busy.closing', 'final', 'busy', null, [], [], true],
      ['failed', 'atomic', null, null, [], ['parked'], false],
      ['finished', 'final', null, null, [], [], true],
    ]);
    expect(graph.transitions.map((t) => [t.source, t.eventLabel, t.guard, t.target, t.index])).toEqual([
      ['idle', 'GO', 'ready and (allowed or not blocked)', 'busy', 0],
      ['idle', 'GO', null, null, 1],
      ['busy', 'done', null, 'finished', 0],
      ['busy.loading', 'done: fetch', null, 'busy.shown', 0],
      ['busy.loading', 'error: fetch', null, 'failed', 0],
      ['busy.shown', 'STOP', null, 'busy.closing', 0],
      ['failed', 'RETRY', null, 'busy', 0],
    ]);
    expect(graph.transitions[1]?.actions).toEqual(['note']);
    expect(JSON.parse(JSON.stringify(graph))).toEqual(graph);
  });

  it('renders DOT with a cluster for the compound state and balanced braces', () => {
    const dot = toDot(toy);
    expect(dot.startsWith('digraph "toy" {\n')).toBe(true);
    expect(dot).toContain('subgraph "cluster_busy" {');
    expect(dot).toContain('label="busy";');
    expect(dot).toContain('"busy.[*]" -> "busy.loading";');
    expect(dot).toContain('"idle" -> "busy.[*]" [label="GO [ready and (allowed or not blocked)]", lhead="cluster_busy"];');
    expect(dot).toContain('"busy.[*]" -> "finished" [label="done", ltail="cluster_busy"];');
    expect(dot).toContain('"finished" [label="finished", peripheries=2];');
    let depth = 0;
    for (const c of dot.replace(/"(?:[^"\\]|\\.)*"/g, '""')) {
      if (c === '{') depth++;
      if (c === '}') depth--;
      expect(depth).toBeGreaterThanOrEqual(0);
    }
    expect(depth).toBe(0);
    expect(dot.match(/\{/g)?.length).toBe(2);
  });
});
