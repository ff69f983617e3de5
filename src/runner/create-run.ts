import { randomUUID } from 'node:crypto';
import { createActor, waitFor, type InspectionEvent, type Snapshot } from 'xstate';
import type { RunEvent, RunOutput } from '../../machines/run-types.js';
import type { Approval, Gate } from '../domain/approval.js';
import { revalidateCutplan, type Cutplan } from '../domain/cutplan.js';
import type { Mode } from '../domain/mode.js';
import { InvalidEvent } from '../errors/index.js';
import type { ApprovalPolicy } from '../approvals/index.js';
import type { Executor } from '../executors/executor.js';
import { killSwitchAlwaysOff, type KillSwitch } from '../kill-switch/index.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import { CURRENT_RELEASE, type MachineRelease } from '../runs/upgrade/release.js';
import { bindRunMachine } from './bind-machine.js';
import { checkCreateRunOptions } from './check-run-options.js';
import { resolvePolicy } from '../policy/resolve.js';
import { bindExecutor } from './executor-binding.js';
import { journalEventOf, type RunJournal } from './run-journal.js';
import { parseRunEvent } from './run-events.js';
import { sanitizedInspector, type RunInspector } from './run-inspection.js';
import { checkPinnedPlan, type PinnedRunOptions, type RunPlan } from './run-plan.js';
import { viewOf, type RunView } from './run-view.js';

/** Everything a run is created with. Only `mode`, `plan`, `initiator` and `approvals` are required. */
export interface CreateRunOptions {
  readonly mode: Mode;
  readonly plan: Cutplan;
  /** Who starts the run. By default they may not approve it. */
  readonly initiator: string;
  /** Who may approve, with their public keys. */
  readonly approvals: ApprovalPolicy;
  /** LIVE: a LiveExecutionAdapter (required). DRYRUN: omit for the simulator. */
  readonly executor?: Executor;
  /** Defaults to a switch that is always OFF. */
  readonly killSwitch?: KillSwitch;
  readonly runId?: string;
  /** The plan hash the approvers were shown; planning refuses content that hashes differently. */
  readonly expectedPlanHash?: string;
  readonly logger?: Logger;
  /**
   * Watches the run: receives xstate inspection events (for example `@statelyai/inspect`'s `inspector.inspect`),
   * sanitised first (no IU bodies, signatures, DSNs or keys; see {@link RunInspector}).
   */
  readonly inspect?: RunInspector;
  /** Records every event and snapshot of the run (see {@link createDurableRun}, which supplies a store-backed one). */
  readonly journal?: RunJournal;
  /** A persisted snapshot to continue from instead of starting afresh (see {@link restoreRun}). */
  readonly snapshot?: Snapshot<unknown>;
  /**
   * The token of this process's hold on the run (durable runs take it; see `holdRun`): every phase checks it inside
   * its own transaction, so a process that lost the run cannot write for it.
   */
  readonly holdToken?: string;
  /**
   * Who picks a restored run up (the CLI passes `--as`): journalled on its `cutter.restored` entry with this process's
   * pid, so the record says who continued a phase whose process died, not only that one did.
   */
  readonly restoredBy?: string;
}

/**
 * What became of an approval: collected (and the gate opened, or it still `waits` for what the policy needs: more
 * approvers, a group, a window), or refused with the rule's code.
 */
export type ApprovalOutcome =
  | { readonly accepted: true; readonly waits?: { readonly code: string; readonly reason: string } }
  | { readonly accepted: false; readonly reason: string; readonly code: string };

/**
 * A run bound to its one executor. It exposes events and views, never the machine or its actors, so nothing can
 * rebind a run's phases after creation.
 */
export interface Run {
  readonly id: string;
  readonly mode: Mode;
  /** Starts the run: precheck, planning, then it parks at SG_1. */
  start(): void;
  /** Sends a validated event; throws {@link InvalidEvent} for an unknown, malformed or not-now event. */
  send(event: unknown): void;
  /**
   * Gives an approval to the gate the run waits at. Never throws for the run's state: an approval it cannot take (the
   * run ended, or is not at a gate) comes back `{ accepted: false, code: 'E_INVALID_EVENT', reason }`, and one the gate
   * refuses (bad signature, expired, self-approval, malformed, ...) with that rule's code.
   */
  approve(approval: Approval): ApprovalOutcome;
  reject(gate: Gate, by: string, reason: string): void;
  cancel(by: string, reason: string): void;
  /** Resumes a halted run; at a gate, checks the policy again (a window opened, an approval became valid). */
  resume(by: string): void;
  escalate(by: string, reason: string): void;
  /** Binds a parked run to the approval policy this run was given (journalled, with who and why): the run is judged by it from now on. */
  bindPolicy(by: string, reason: string): void;
  view(): RunView;
  subscribe(listener: (view: RunView) => void): () => void;
  /** Resolves when the run parks (a gate, halted) or ends. Rejects only if the machine itself errors. */
  settled(): Promise<RunView>;
  /** Resolves with the output when the run reaches a final state. */
  done(): Promise<RunOutput>;
  /**
   * This process is done with the run (a command ends, a host lets the run wait): resolves once everything recorded is
   * stored and what the run held on the target is given back; a durable run also gives up its hold, so another process
   * may act on it. The run must be parked or ended; call it once.
   */
  release(): Promise<void>;
  stop(): void;
}

/**
 * Creates a run: validates its options and its plan, whatever their static types say (the plan with planning's own
 * rules and errors: a row planning would refuse is refused here, before any connection is opened), and its mode and
 * executor (a LIVE run without a live adapter, or with the simulator, is refused here); binds every phase actor once
 * to that executor, and returns a handle.
 *
 * @throws {InvalidInput} naming the option at fault (`options`, `mode`, `initiator`, `approvals`, ...).
 * @throws {PlanInvalid} naming each bad row and field of the plan (or `plan` itself).
 *
 * @example
 * const run = createRun({ mode: 'DRYRUN', plan, initiator: 'ci', approvals: { approvers: { alice: alicePublicKey } } });
 * run.start();
 * await run.settled();            // parked at SG_1
 * run.approve(signApproval({ gate: 'SG_1', runId: run.id, ... }, alicePrivateKey));
 */
export function createRun(options: CreateRunOptions): Run {
  return createRunOf(CURRENT_RELEASE, options);
}

/**
 * {@link createRun} on another release of the machine: for restoring a run into the machine its (migrated) snapshot is
 * of, and for tests of upgrades. `options.snapshot` must be of `release`'s machine.
 */
export function createRunOf(release: MachineRelease, options: CreateRunOptions | PinnedRunOptions): Run {
  checkCreateRunOptions(options);
  const mode = options.mode;
  const executor = bindExecutor(mode, options.executor);
  // Nothing downstream (the machine, the simulator, a host's adapter, the schema) is left to find a bad row first; a
  // pinned plan was validated as it was pinned, or read back.
  const pinned = (options as Partial<PinnedRunOptions>).pinnedPlan;
  const plan: RunPlan = pinned === undefined ? { kind: 'rows', plan: revalidateCutplan(options.plan) } : checkPinnedPlan(options.mode, pinned, executor);
  const killSwitch = options.killSwitch ?? killSwitchAlwaysOff;
  const runId = options.runId ?? randomUUID();
  // One child logger per run; each phase adds its own child, so every line names its run, mode and phase.
  const logger = (options.logger ?? silentLogger).child({ runId, mode });

  const journal = options.journal;
  // What the run gives back on the target (the LIVE adapter's lease) whenever it parks or ends: a parked run holds no
  // lease. The next phase waits for it, so a release never lands on the lease that phase takes.
  let targetReleased: Promise<void> = Promise.resolve();
  const releaseTarget = (): void => {
    targetReleased = targetReleased
      .then(() => executor.releaseTarget?.({ runId, ...(options.holdToken === undefined ? {} : { holdToken: options.holdToken }) }))
      .catch((error: unknown) => { logger.warn({ err: error }, 'releasing the target failed'); });
  };
  // Before a phase writes: the event that started it (an approval, a resume) and the run in that phase are stored, and
  // the target is given back from where the run last parked. A crash from here on leaves a stored run that says so.
  // The phase may start once that write has its session (it then waits for nothing the phase holds), if its executor
  // awaits the write before it commits: the record still lands before the effect, a round trip and a commit sooner.
  const beforeEffect = async (): Promise<{ recorded: Promise<void> }> => {
    await new Promise((resolve) => setImmediate(resolve));
    await targetReleased;
    if (journal === undefined) return { recorded: Promise.resolve() };
    const recorded = journal.flush();
    // Its failure is the phase's to meet (awaited before the executor is entered, or before the phase commits).
    recorded.catch(() => undefined);
    await (journal.underway?.() ?? recorded);
    return { recorded };
  };

  const machine = bindRunMachine({
    machine: release.machine, runId, executor, killSwitch, plan, policy: options.approvals, logger, beforeEffect,
    ...(options.holdToken === undefined ? {} : { holdToken: options.holdToken }),
  });

  // The watcher sees sanitised copies only; the journal keeps the events as the run received them.
  const watch = options.inspect === undefined ? undefined : sanitizedInspector(options.inspect, runId);
  const inspect = (event: InspectionEvent): void => {
    // The root actor's received events are the run's journal: human events and each phase's done/error.
    if (journal !== undefined && event.type === '@xstate.event' && event.actorRef.sessionId === event.rootId) {
      // A restored run's init is not a new start: journal it as the restore it is (who picked the run up, when).
      journal.event(options.snapshot !== undefined && event.event.type === 'xstate.init' ? { type: 'cutter.restored', pid: process.pid, ...(options.restoredBy === undefined ? {} : { by: options.restoredBy }) } : journalEventOf(event.event));
    }
    watch?.(event);
  };
  const actor = createActor(machine, {
    input: { runId, mode, initiator: options.initiator, expectedPlanHash: options.expectedPlanHash ?? null, policyHash: resolvePolicy(options.approvals).hash },
    ...(options.snapshot === undefined ? {} : { snapshot: options.snapshot }),
    inspect,
  });
  if (journal !== undefined) {
    // Every refusal (an approval, a resume, a lock) is journalled as its own entry, next to the event that caused it.
    let refusalsSeen = actor.getSnapshot().context.refusals.length;
    actor.subscribe({
      next: (snapshot) => {
        for (const refusal of snapshot.context.refusals.slice(refusalsSeen)) journal.event({ type: 'cutter.refused', ...refusal });
        refusalsSeen = snapshot.context.refusals.length;
        journal.snapshot(actor.getPersistedSnapshot(), viewOf(snapshot));
      },
      error: () => undefined,
    });
  }
  // An unobserved actor error crashes Node; keep it and surface it through settled()/done().
  let machineError: unknown = null;
  actor.subscribe({ error: (error: unknown) => { machineError = error; logger.error({ err: error }, 'run machine error'); } });
  // Parking (a gate, halted) or ending gives the target back; only on the way in, not on each refusal while parked.
  let wasParked = actor.getSnapshot().hasTag('gate') || actor.getSnapshot().hasTag('parked');
  actor.subscribe({
    next: (snapshot) => {
      const parked = snapshot.status === 'active' && (snapshot.hasTag('gate') || snapshot.hasTag('parked'));
      if (parked && !wasParked) releaseTarget();
      wasParked = parked;
    },
    complete: () => { releaseTarget(); },
    error: () => undefined,
  });
  // Idle invokes nothing, so starting the actor here is safe, and lets a run be cancelled before it starts.
  actor.start();

  const sendChecked = (event: RunEvent): void => {
    const snapshot = actor.getSnapshot();
    if (snapshot.status !== 'active') throw new InvalidEvent('type', `the run has ended (${snapshot.status}); ${event.type} is not accepted`);
    if (!snapshot.can(event)) throw new InvalidEvent('type', `${event.type} is not accepted in state ${viewOf(snapshot).state}`);
    actor.send(event);
  };

  const run: Run = {
    id: runId,
    mode,
    start() {
      sendChecked({ type: 'START' });
    },
    send(candidate) {
      sendChecked(parseRunEvent(candidate));
    },
    approve(approval) {
      const event = parseRunEvent({ type: 'APPROVE', approval });
      const snapshot = actor.getSnapshot();
      // An approval the run cannot take now (it ended, or waits at no gate) is refused like one a gate refuses, so a
      // host hears "no" one way; only an event that is not an APPROVE at all throws (InvalidEvent), as bad input does.
      if (snapshot.status !== 'active') return { accepted: false, code: 'E_INVALID_EVENT', reason: `the run has ended (${viewOf(snapshot).output?.status ?? snapshot.status}); it takes no approval` };
      if (!snapshot.can(event)) return { accepted: false, code: 'E_INVALID_EVENT', reason: `the run is in state ${viewOf(snapshot).state}, at no gate that takes this approval` };
      const before = snapshot.context.refusals.length;
      sendChecked(event);
      const refusals = actor.getSnapshot().context.refusals;
      const refusal = refusals.length > before ? refusals[refusals.length - 1] : undefined;
      if (refusal === undefined) return { accepted: true };
      // The approval was collected; the gate waits for the policy.
      if (refusal.gate === 'policy') return { accepted: true, waits: { code: refusal.code, reason: refusal.reason } };
      return { accepted: false, reason: refusal.reason, code: refusal.code };
    },
    reject(gate, by, reason) {
      run.send({ type: 'REJECT', gate, by, reason });
    },
    cancel(by, reason) {
      run.send({ type: 'CANCEL', by, reason });
    },
    resume(by) {
      run.send({ type: 'RESUME', by });
    },
    escalate(by, reason) {
      run.send({ type: 'ESCALATE', by, reason });
    },
    bindPolicy(by, reason) {
      run.send({ type: 'BIND_POLICY', policyHash: resolvePolicy(options.approvals).hash, by, reason });
    },
    view: () => viewOf(actor.getSnapshot()),
    subscribe(listener) {
      const subscription = actor.subscribe({ next: (snapshot) => { listener(viewOf(snapshot)); }, error: () => undefined });
      return () => { subscription.unsubscribe(); };
    },
    async settled() {
      const snapshot = await waitFor(actor, (s) => s.status !== 'active' || s.hasTag('gate') || s.hasTag('parked'));
      await journal?.flush();
      if (machineError !== null) throw asError(machineError);
      return viewOf(snapshot);
    },
    async done() {
      const snapshot = await waitFor(actor, (s) => s.status !== 'active');
      await journal?.flush();
      if (snapshot.status !== 'done' || snapshot.output === undefined) {
        throw machineError === null ? new Error(`run ended with status ${snapshot.status}`) : asError(machineError);
      }
      return snapshot.output;
    },
    async release() {
      await journal?.flush();
      await targetReleased;
    },
    stop() {
      actor.stop();
    },
  };
  return run;
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
