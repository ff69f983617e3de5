import { initialTransition, type AnyStateNode } from 'xstate';
import { runMachine, type RunMachine } from '../../../machines/run-machine.js';
import type { RunInput } from '../../../machines/run-types.js';
import { SNAPSHOT_MIGRATIONS, type SnapshotMigration } from '../../../machines/snapshot-migrations.js';
import { RUN_SNAPSHOT_VERSION } from '../../../machines/snapshot-version.js';
import { describeStatechart } from '../../chart/statechart-graph.js';
import { hashCanonical } from '../../domain/hashing.js';

/**
 * A release of the run machine: the machine, the snapshot version it writes, and the migrations that bring runs
 * stored by earlier versions to it. This build's is {@link CURRENT_RELEASE}; tests build others (a machine with a
 * state renamed, with or without its migration) to prove the checks catch what they must.
 */
export interface MachineRelease {
  readonly version: number;
  readonly machine: RunMachine;
  readonly migrations: readonly SnapshotMigration[];
}

export const CURRENT_RELEASE: MachineRelease = { version: RUN_SNAPSHOT_VERSION, machine: runMachine, migrations: SNAPSHOT_MIGRATIONS };

/**
 * What a persisted snapshot and a replayed journal depend on: each state's path and kind, the actors it invokes (id
 * and source), the context's fields, and every transition (source, event, guard, target, actions), since a journal
 * replayed on a machine whose transitions changed arrives elsewhere.
 */
export interface MachineShape {
  readonly states: readonly (readonly [path: string, kind: string, invokes: readonly string[]])[];
  readonly contextFields: readonly string[];
  readonly transitions: readonly string[];
}

const SAMPLE_INPUT: RunInput = { runId: 'shape', mode: 'DRYRUN', initiator: 'shape', expectedPlanHash: null };

function walk(node: AnyStateNode): MachineShape['states'] {
  return Object.values(node.states).flatMap((child) => [
    [child.path.join('.'), child.type, child.invoke.map((i) => `${i.id}:${typeof i.src === 'string' ? i.src : '(inline)'}`)] as const,
    ...walk(child),
  ]);
}

const shapes = new WeakMap<RunMachine, MachineShape>();

/** The shape of a machine's persisted snapshots (see {@link MachineShape}); computed once per machine. */
export function machineShape(machine: RunMachine): MachineShape {
  let shape = shapes.get(machine);
  if (shape === undefined) {
    const [initial] = initialTransition(machine, SAMPLE_INPUT);
    const transitions = describeStatechart(machine).transitions.map((t) => `${t.source} ${t.event}#${t.index} [${t.guard ?? ''}] → ${t.target ?? '·'} (${t.actions.join(', ')})`);
    shape = { states: walk(machine.root), contextFields: Object.keys(initial.context).sort(), transitions };
    shapes.set(machine, shape);
  }
  return shape;
}

/** A hash of {@link machineShape}: recorded per snapshot version, so a change of shape without a bump fails a test. */
export function shapeFingerprint(machine: RunMachine): string {
  return hashCanonical(machineShape(machine));
}
