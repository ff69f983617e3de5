import type { SnapshotFrom } from 'xstate';
import type { RunMachine } from '../../machines/run-machine.js';
import type { RunContext, RunOutput } from '../../machines/run-types.js';
import type { Gate } from '../domain/approval.js';

/** The gate each waiting state stands for. */
const GATE_OF_STATE: Readonly<Record<string, Gate>> = {
  awaitingCutApproval: 'SG_1',
  awaitingEnactApproval: 'SG_2',
  'torn.awaitingCompensationApproval': 'SG_3',
};

/** The gate a state stands for (`awaitingCutApproval` → `SG_1`), or null for a state that is not a gate. */
export function gateOfState(state: string): Gate | null {
  return GATE_OF_STATE[state] ?? null;
}

/** A plain view of a run at one moment, for hosts, the CLI and tests. */
export interface RunView {
  /** The state's path, dotted: `cutting`, `torn.awaitingCompensationApproval`. */
  readonly state: string;
  /** `active` while running or parked; `done` at a final state; `error` if the machine itself failed. */
  readonly status: 'active' | 'done' | 'error' | 'stopped';
  /** The gate the run waits at, if any. */
  readonly gate: Gate | null;
  /** True when the run waits for a person (a gate, or halted). */
  readonly parked: boolean;
  readonly context: RunContext;
  readonly output: RunOutput | null;
}

/** Flattens a state value (`{ torn: 'compensating' }`) into `torn.compensating`. */
export function statePath(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object') {
    const [key, inner] = Object.entries(value as Record<string, unknown>)[0] ?? ['?', undefined];
    return inner === undefined ? key : `${key}.${statePath(inner)}`;
  }
  return String(value);
}

/** Builds a {@link RunView} from a machine snapshot. */
export function viewOf(snapshot: SnapshotFrom<RunMachine>): RunView {
  const state = statePath(snapshot.value);
  return {
    state,
    status: snapshot.status,
    gate: gateOfState(state),
    parked: snapshot.status === 'active' && (snapshot.hasTag('gate') || snapshot.hasTag('parked')),
    context: snapshot.context,
    output: snapshot.status === 'done' ? (snapshot.output ?? null) : null,
  };
}

/**
 * The view of a stored snapshot, without running anything: the snapshot is resolved against the unbound machine and
 * no actor is started, so no phase can run and no executor is needed.
 */
export function viewOfStored(machine: RunMachine, persisted: unknown): RunView {
  return viewOf(machine.resolveState(persisted as Parameters<RunMachine['resolveState']>[0]));
}
