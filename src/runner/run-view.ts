import type { AnyStateNode, SnapshotFrom } from 'xstate';
import { runMachine, type RunMachine } from '../../machines/run-machine.js';
import type { RunContext, RunOutput } from '../../machines/run-types.js';
import type { Gate } from '../domain/approval.js';

const gateOfNode = (node: AnyStateNode): Gate | null => ((node.meta as { gate?: Gate } | undefined)?.gate ?? null);

/** The gate each waiting state stands for, read from the states' `meta.gate` in the machine. */
function gatesOf(node: AnyStateNode): [string, Gate][] {
  return Object.values(node.states).flatMap((child) => {
    const gate = gateOfNode(child);
    return [...(gate === null ? [] : [[child.path.join('.'), gate] as [string, Gate]]), ...gatesOf(child)];
  });
}
const GATE_OF_STATE: ReadonlyMap<string, Gate> = new Map(gatesOf(runMachine.root));

/** The gate a state of the run machine stands for (`awaitingCutApproval` → `SG_1`), or null for a state that is not a gate. */
export function gateOfState(state: string): Gate | null {
  return GATE_OF_STATE.get(state) ?? null;
}

/** States that wait for a person (tagged `gate` or `parked`, on the state or a parent), by dotted path. */
function parkedStatesOf(node: AnyStateNode, inherited: boolean): string[] {
  return Object.values(node.states).flatMap((child) => {
    const parked = inherited || child.tags.includes('gate') || child.tags.includes('parked');
    return [...(parked ? [child.path.join('.')] : []), ...parkedStatesOf(child, parked)];
  });
}
const PARKED_STATES: ReadonlySet<string> = new Set(parkedStatesOf(runMachine.root, false));

/**
 * The one word `cutter status` and `cutter list` both show for where a run stands: how it ended (`completed`,
 * `rejected`, …), `parked` while it waits for a person (at a gate, or halted), else the machine's status (`active`
 * while a phase is in flight). Takes a view, or a stored run's listed `state` and `status` (its ended status, if any).
 */
export function statusWordOf(run: { readonly state: string; readonly status: string; readonly output?: { readonly status: string } | null }): string {
  const ended = run.output?.status;
  if (ended !== undefined) return ended;
  return run.status === 'active' && PARKED_STATES.has(run.state) ? 'parked' : run.status;
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
  const gate = Object.values(snapshot.getMeta() as Record<string, { gate?: Gate } | undefined>).find((meta) => meta?.gate !== undefined)?.gate ?? null;
  return {
    state,
    status: snapshot.status,
    gate,
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
