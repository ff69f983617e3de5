import { assign, initialTransition, transition, type EventFromLogic, type SnapshotFrom } from 'xstate';
import { runMachine, type RunMachine } from '../../machines/run-machine.js';
import type { Refusal, RunInput } from '../../machines/run-types.js';
import type { Gate } from '../domain/approval.js';
import type { JournalEvent } from '../runner/run-journal.js';
import { viewOf, type RunView } from '../runner/run-view.js';
import type { JournalEntry } from '../runs/run-store.js';
import { ReplayDiverged } from './errors.js';

/** One event of a run, replayed: where the run was before it, where it went, and what was refused on the way. */
export interface ReplayStep {
  readonly seq: number;
  readonly at: string;
  /** `init` (the run's creation), `event` (an event the run received), `restore` (another process picked it up). */
  readonly kind: 'init' | 'event' | 'restore';
  /** The event's type: `START`, `APPROVE`, `xstate.done.actor.cut`, `cutter.restored`, ... */
  readonly event: string;
  /** The state before the event (null for the init). */
  readonly before: string | null;
  readonly after: string;
  /** What the event's processing refused (the `cutter.refused` entries that follow it in the journal). */
  readonly refusals: readonly Refusal[];
  /** The rebuilt run at this step. */
  readonly view: RunView;
}

type ReplaySnapshot = SnapshotFrom<RunMachine>;

/**
 * Rebuilds every snapshot of a run from its journal with xstate's pure `initialTransition` / `transition`: no actor
 * is started, no phase runs, no executor or database is touched.
 *
 * Guards. Most of the machine's guards read only the context and the event (a backup's `verified`, a verify's `ok`,
 * an error's code), and those are replayed as they are. Three read the world at the moment of the event: the executor
 * (`executorReady`), the kill switch (`killSwitchOn`) and the approval policy with its keys and clock
 * (`approvalValid`). Re-asking them now would answer for today, not for then (an approval that was valid has since
 * expired), and would touch the executor. Every "no" they gave was journalled as a `cutter.refused` entry right
 * after the event it answered, so the replay answers them from the journal: a guard said no iff a refusal of its
 * lock (`executor`, `kill-switch`, or the gate) follows the event. The approval refusal's recorded reason is put back
 * in the context, so the rebuilt context equals the stored one. `cutter.refused` entries themselves do not
 * transition; they are attached to the step of the event that caused them.
 *
 * @param machine the run machine to replay on (default: this build's), unbound: its actors are never started.
 * @throws {@link ReplayDiverged} when the journal has no `xstate.init` entry to start from.
 */
export function replayJournal(entries: readonly JournalEntry[], machine: RunMachine = runMachine): ReplayStep[] {
  let refusalsNow: readonly Refusal[] = [];
  const refusedBy = (lock: Refusal['gate']): boolean => refusalsNow.some((r) => r.gate === lock);
  const replaying = machine.provide({
    guards: {
      executorReady: () => !refusedBy('executor'),
      killSwitchOn: () => !refusedBy('kill-switch'),
      approvalValid: (_, { gate }: { gate: Gate }) => !refusedBy(gate),
    },
    actions: {
      recordApprovalRefusal: assign({
        refusals: ({ context }, { gate }: { gate: Gate }) => {
          const recorded = refusalsNow.find((r) => r.gate === gate);
          return [...context.refusals, { gate, code: recorded?.code ?? 'E_APPROVAL_INVALID', reason: recorded?.reason ?? 'refused (no reason journalled)' }];
        },
      }),
    },
  });

  const steps: ReplayStep[] = [];
  let snapshot: ReplaySnapshot | null = null;
  entries.forEach((entry, index) => {
    const { event } = entry;
    if (event.type === 'cutter.refused') return;
    refusalsNow = refusalsAfter(entries, index);
    const before = snapshot === null ? null : viewOf(snapshot).state;
    if (event.type === 'xstate.init') {
      [snapshot] = initialTransition(replaying, (event as { input?: RunInput }).input as RunInput);
    } else if (snapshot === null) {
      throw new ReplayDiverged(`journal entry ${entry.seq} (${event.type}) comes before the run's xstate.init: there is nothing to replay it on`);
    } else if (event.type !== 'cutter.restored') {
      [snapshot] = transition(replaying, snapshot, eventOf(event));
    }
    const view = viewOf(snapshot);
    const kind = event.type === 'xstate.init' ? 'init' : event.type === 'cutter.restored' ? 'restore' : 'event';
    steps.push({ seq: entry.seq, at: entry.at, kind, event: event.type, before, after: view.state, refusals: refusalsNow, view });
  });
  return steps;
}

/** The `cutter.refused` entries journalled right after entry `index`, before the next event. */
function refusalsAfter(entries: readonly JournalEntry[], index: number): Refusal[] {
  const refusals: Refusal[] = [];
  for (let i = index + 1; i < entries.length; i += 1) {
    const next = entries[i]?.event;
    if (next?.type !== 'cutter.refused') break;
    const { gate, code, reason } = next as unknown as Refusal;
    refusals.push({ gate, code, reason });
  }
  return refusals;
}

/**
 * The machine event a journal entry stands for. A phase's error was journalled as `{ name, code, message, phase? }`
 * (an `Error` serialises to `{}`); it is turned back into an `Error` with those fields so that the machine's
 * `recordError` records exactly what it recorded then.
 */
function eventOf(event: JournalEvent): EventFromLogic<RunMachine> {
  if (event.type.startsWith('xstate.error.actor.')) {
    const record = (event.error ?? {}) as { name?: string; code?: string; message?: string; phase?: string };
    const error = Object.assign(new Error(record.message ?? ''), { name: record.name ?? 'Error', code: record.code ?? 'E_UNEXPECTED' });
    if (record.phase !== undefined) Object.assign(error, { phase: record.phase });
    return { ...event, error } as unknown as EventFromLogic<RunMachine>;
  }
  return event as unknown as EventFromLogic<RunMachine>;
}
