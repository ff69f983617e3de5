/** DOT with a run's path drawn in: the visited states and taken transitions styled, the rest muted, labels kept. */
import { setup } from 'xstate';
import { describe, expect, it } from 'vitest';
import { toDot } from '../../../src/chart/index.js';

const machine = setup({ types: { events: {} as { type: 'GO' } | { type: 'STOP' } } }).createMachine({
  id: 'mini',
  initial: 'a',
  states: {
    a: { on: { GO: 'b', STOP: 'done' } },
    b: { initial: 'b1', states: { b1: { on: { GO: '#mini.done' } } } },
    done: { type: 'final' },
  },
});

describe('toDot with a highlighted path', () => {
  it('styles visited states, the current one, taken edges, and mutes the rest; unlabelled untaken edges keep a tooltip', () => {
    const dot = toDot(machine, {
      highlight: { states: ['a', 'b', 'b.b1'], current: 'b.b1', transitions: [{ source: 'a', event: 'GO' }] },
    });
    expect(dot).toContain('"a" [label="a", id="state:a", class="visited"');
    expect(dot).toContain('"b.b1" [label="b1", id="state:b.b1", class="visited current"');
    expect(dot).toContain('"done" [label="done", peripheries=2, id="state:done", class="unvisited"');
    expect(dot).toContain('"a" -> "b.[*]" [label="GO", class="taken"');
    expect(dot).toContain('"a" -> "done" [tooltip="STOP", class="untaken"');
    expect(dot).toContain('"[*]" -> "a" [class="taken"');
    // The cluster of a visited compound state is drawn in the path's colour.
    expect(dot).toMatch(/subgraph "cluster_b" \{\n\s+label="b";\n\s+color="#1d4ed8"; fontcolor="#1e3a8a";/);
  });

  it('without a path, the DOT is exactly what `cutter chart --format dot` prints', () => {
    expect(toDot(machine, {})).toBe(toDot(machine));
    expect(toDot(machine)).not.toMatch(/class=|tooltip=|id="state:/);
  });
});
