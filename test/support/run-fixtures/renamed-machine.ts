import { runMachine, type RunMachine } from '../../../machines/run-machine.js';
import { runSetup } from '../../../machines/run-setup.js';
import type { SnapshotMigration } from '../../../machines/snapshot-migrations.js';
import { RUN_SNAPSHOT_VERSION } from '../../../machines/snapshot-version.js';

/** A deliberate change to the machine, for tests of upgrades: states and invoke ids renamed, with its migration. */
export interface MachineChange {
  readonly states: Readonly<Record<string, string>>;
  readonly invokes: Readonly<Record<string, string>>;
  readonly migration: SnapshotMigration;
}

/** SG_2's state renamed and enactment's invoke id renamed, as the next version: what a release reorganising the chart might do. */
export const RENAMED_ENACT_GATE: MachineChange = {
  states: { awaitingEnactApproval: 'awaitingEnactment' },
  invokes: { enact: 'enactment' },
  migration: {
    from: RUN_SNAPSHOT_VERSION,
    to: RUN_SNAPSHOT_VERSION + 1,
    summary: 'renames the state awaitingEnactApproval to awaitingEnactment and the invoke enact to enactment',
    states: { awaitingEnactApproval: 'awaitingEnactment' },
    actors: { enact: { id: 'enactment', src: 'enact' } },
  },
};

const isPlain = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;

/**
 * The run machine with `change` applied to its definition: state keys and every reference to them (`x`, `#run.x`),
 * and invoke ids. Implementations (actors, guards, actions) stay the run machine's.
 */
export function machineWithRenames(change: MachineChange): RunMachine {
  const renameString = (text: string): string => {
    for (const [from, to] of Object.entries(change.states)) {
      if (text === from) return to;
      if (text === `#run.${from}`) return `#run.${to}`;
    }
    return text;
  };
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return renameString(value);
    if (Array.isArray(value)) return value.map(walk);
    if (!isPlain(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'states' && isPlain(inner)) {
        out[key] = Object.fromEntries(Object.entries(inner).map(([name, node]) => [change.states[name] ?? name, walk(node)]));
      } else if (key === 'invoke' && isPlain(inner) && typeof inner.id === 'string') {
        out[key] = { ...(walk(inner) as Record<string, unknown>), id: change.invokes[inner.id] ?? inner.id };
      } else {
        out[key] = walk(inner);
      }
    }
    return out;
  };
  return runSetup.createMachine(walk(runMachine.config) as Parameters<typeof runSetup.createMachine>[0]) as unknown as RunMachine;
}
