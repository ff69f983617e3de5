import { assign, initialTransition, transition, type EventFromLogic, type SnapshotFrom } from 'xstate';
import type { RunMachine } from '../../machines/run-machine.js';
import type { Refusal, RunInput } from '../../machines/run-types.js';
import { canonicalJson } from '../domain/hashing.js';
import type { Gate } from '../domain/approval.js';
import type { JournalEvent } from '../runner/run-journal.js';
import { viewOf, type RunView } from '../runner/run-view.js';
import type { JournalEntry } from '../runs/run-store.js';
import { CURRENT_RELEASE, type MachineRelease } from '../runs/upgrade/release.js';
import { pathOfValue } from '../runs/upgrade/snapshot-problems.js';
import { isMigratedEvent, upgradeJournal, type MigratedEvent } from '../runs/upgrade/upgrade-journal.js';
import { ReplayDiverged } from './errors.js';

/** One event of a run, replayed: where the run was before it, where it went, and what was refused on the way. */
export interface ReplayStep {
  readonly seq: number;
  readonly at: string;
  /**
   * `init` (the run's creation), `event` (an event the run received), `restore` (another process picked it up),
   * `migrate` (the run was brought to another snapshot version; see {@link ReplayStep.migration}).
   */
  readonly kind: 'init' | 'event' | 'restore' | 'migrate';
  /** The event's type: `START`, `APPROVE`, `xstate.done.actor.cut`, `cutter.restored`, ... */
  readonly event: string;
  /** The state before the event (null for the init). */
  readonly before: string | null;
  readonly after: string;
  /** What the event's processing refused (the `cutter.refused` entries that follow it in the journal). */
  readonly refusals: readonly Refusal[];
  /** The rebuilt run at this step. */
  readonly view: RunView;
  /**
   * For a `migrate` step: the versions, the outcome, and whether the journal, replayed on this build's machine, arrived
   * where the migration took the run (null for a stranded run, whose earlier journal this machine cannot replay: the
   * replay continues from the snapshot the migration stored). `stored` is false for a migration this replay foresees
   * but no process has stored yet (the run was last written by an earlier version).
   */
  readonly migration?: { readonly from: number; readonly to: number; readonly outcome: MigratedEvent['outcome']; readonly matches: boolean | null; readonly stored: boolean };
}

/** How to replay: on which release, and which version the run is stored with (its journal's versions follow from it). */
export interface ReplayOptions {
  readonly release?: MachineRelease;
  readonly storedVersion?: number;
}

type ReplaySnapshot = SnapshotFrom<RunMachine>;

/**
 * Rebuilds every snapshot of a run from its journal with xstate's pure `initialTransition` / `transition`: no actor
 * is started, no phase runs, no executor or database is touched.
 *
 * Guards. Most of the machine's guards read only the context and the event (a backup's `verified`, a verify's `ok`,
 * an error's code), and those are replayed as they are. Five read the world at the moment of the event: the executor
 * (`executorReady`), the kill switch (`killSwitchOn`) and the approval policy with its keys and clock
 * (`approvalValid`, `gateOpens` with its windows and expiries, `policyInForce`). Re-asking them now would answer for today, not for then (an approval that was valid has since
 * expired), and would touch the executor. Every "no" they gave was journalled as a `cutter.refused` entry right
 * after the event it answered, so the replay answers them from the journal: a guard said no iff a refusal of its
 * lock (`executor`, `kill-switch`, or the gate) follows the event. The approval refusal's recorded reason is put back
 * in the context, so the rebuilt context equals the stored one. `cutter.refused` entries themselves do not
 * transition; they are attached to the step of the event that caused them.
 *
 * Versions. Entries written by an earlier snapshot version are first brought to this build's machine by the same
 * migrations that carry the run's snapshot (see {@link upgradeJournal}). At a `cutter.migrated` entry the replay
 * checks that it arrived where the migration took the run: a journal and a migration that disagree show as a step
 * whose `migration.matches` is false.
 *
 * @param options.release the release to replay on (default: this build's); its machine is unbound, its actors never start.
 * @param options.storedVersion the snapshot version the run is stored with (default: the release's).
 * @throws {@link ReplayDiverged} when the journal has no `xstate.init` entry to start from.
 */
export function replayJournal(journal: readonly JournalEntry[], options: ReplayOptions = {}): ReplayStep[] {
  const release = options.release ?? CURRENT_RELEASE;
  const machine: RunMachine = release.machine;
  const entries = upgradeJournal(journal, options.storedVersion ?? release.version, release);
  let refusalsNow: readonly Refusal[] = [];
  const refusedBy = (lock: Refusal['gate']): boolean => refusalsNow.some((r) => r.gate === lock);
  const replaying = machine.provide({
    guards: {
      executorReady: () => !refusedBy('executor'),
      killSwitchOn: () => !refusedBy('kill-switch'),
      approvalValid: (_, { gate }: { gate: Gate }) => !refusedBy(gate),
      // The policy's answers (a gate not open yet, a re-bind refused) were journalled as refusals of the lock `policy`.
      gateOpens: () => !refusedBy('policy'),
      policyInForce: () => !refusedBy('policy'),
    },
    actions: {
      recordGateWaiting: assign({ refusals: ({ context }) => [...context.refusals, recordedPolicyRefusal('E_APPROVAL_QUORUM')] }),
      recordPolicyBindRefusal: assign({ refusals: ({ context }) => [...context.refusals, recordedPolicyRefusal('E_POLICY_CHANGED')] }),
      recordApprovalRefusal: assign({
        refusals: ({ context }, { gate }: { gate: Gate }) => {
          const recorded = refusalsNow.find((r) => r.gate === gate);
          return [...context.refusals, { gate, code: recorded?.code ?? 'E_APPROVAL_INVALID', reason: recorded?.reason ?? 'refused (no reason journalled)' }];
        },
      }),
    },
  });

  function recordedPolicyRefusal(fallback: string): Refusal {
    const recorded = refusalsNow.find((r) => r.gate === 'policy');
    return { gate: 'policy', code: recorded?.code ?? fallback, reason: recorded?.reason ?? 'refused (no reason journalled)' };
  }

  const steps: ReplayStep[] = [];
  let snapshot: ReplaySnapshot | null = null;
  entries.forEach((entry, index) => {
    const { event } = entry;
    if (event.type === 'cutter.refused') return;
    refusalsNow = refusalsAfter(entries, index);
    const before = snapshot === null ? null : viewOf(snapshot).state;
    let migration: ReplayStep['migration'];
    if (event.type === 'xstate.init') {
      [snapshot] = initialTransition(replaying, (event as { input?: RunInput }).input as RunInput);
    } else if (isMigratedEvent(event)) {
      const migrated = event as unknown as MigratedEvent & { pending?: boolean };
      const matches = migrated.outcome === 'stranded' || migrated.snapshot === null || snapshot === null ? null : arrivesAt(snapshot, migrated.snapshot);
      migration = { from: migrated.from, to: migrated.to, outcome: migrated.outcome, matches, stored: migrated.pending !== true };
      // A stranded run's earlier journal is not this machine's to replay: continue from the snapshot the migration stored.
      if (matches === null && migrated.snapshot !== null) snapshot = replaying.resolveState(migrated.snapshot as unknown as Parameters<RunMachine['resolveState']>[0]);
    } else if (snapshot === null) {
      throw new ReplayDiverged(`journal entry ${entry.seq} (${event.type}) comes before the run's xstate.init: there is nothing to replay it on`);
    } else if (event.type !== 'cutter.restored') {
      [snapshot] = transition(replaying, snapshot, eventOf(event));
    }
    if (snapshot === null) throw new ReplayDiverged(`journal entry ${entry.seq} (${event.type}) comes before the run's xstate.init: there is nothing to replay it on`);
    const view = viewOf(snapshot);
    const kind = event.type === 'xstate.init' ? 'init' : event.type === 'cutter.restored' ? 'restore' : migration === undefined ? 'event' : 'migrate';
    steps.push({ seq: entry.seq, at: entry.at, kind, event: event.type, before, after: view.state, refusals: refusalsNow, view, ...(migration === undefined ? {} : { migration }) });
  });
  return steps;
}

/** Whether a replayed snapshot is in the state and has the context a migration stored. */
function arrivesAt(replayed: ReplaySnapshot, stored: { readonly value: unknown; readonly context: unknown }): boolean {
  return pathOfValue(replayed.value) === pathOfValue(stored.value) && canonicalJson(replayed.context) === canonicalJson(stored.context);
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
