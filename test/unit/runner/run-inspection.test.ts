/**
 * A watched run shows its watcher states, ids, counts and error codes, and never an IU body, an approval signature
 * or a DSN: every inspection event of whole runs is searched for recognisable secrets, both as the observer receives
 * it and as `@statelyai/inspect` would send it on.
 */
import { createInspector, type StatelyInspectionEvent } from '@statelyai/inspect';
import type { AnyActorRef, InspectionEvent } from 'xstate';
import { describe, expect, it } from 'vitest';
import { validateCutplan } from '../../../src/domain/cutplan.js';
import type { ExecutionContext } from '../../../src/executors/executor.js';
import { DryRunSimulator } from '../../../src/executors/simulator.js';
import { createRun } from '../../../src/runner/create-run.js';
import { approvalFor, policy } from '../../support/fixtures.js';

const BODY_SECRET = 'BODY-SECRET-9d1e';
const PASSWORD = 'PW-SECRET-51a7';
const DSN = `postgres://cutter_admin:${PASSWORD}@kb-primary.internal:5432/knowledge`;
const SECRETS = [BODY_SECRET, PASSWORD, 'kb-primary.internal'];

const plan = validateCutplan([
  { address: 'handbook/secrets/one', title: 'One', body: `Governed text with ${BODY_SECRET} inside.` },
  { address: 'handbook/secrets/two', title: 'Two', body: `More text, ${BODY_SECRET} again.` },
]);

/** A simulator that names its target by a full DSN, as a careless adapter might; optionally its backup fails naming it. */
class LeakySimulator extends DryRunSimulator {
  constructor(private readonly failBackup = false) { super(); }
  override async precheck() { return { ...(await super.precheck()), target: DSN }; }
  override preWriteBackup(ctx: ExecutionContext) {
    return this.failBackup ? Promise.reject(Object.assign(new Error(`pg_dump could not reach ${DSN}`), { code: 'E_TARGET_UNAVAILABLE' })) : super.preWriteBackup(ctx);
  }
}

/** Everything a watcher can get at from one event: the event, and the snapshots its actor stand-ins hand out. */
function reachable(event: InspectionEvent): string {
  const refs = [event.actorRef, (event as { sourceRef?: AnyActorRef }).sourceRef, (event.actorRef as { _parent?: AnyActorRef })._parent];
  return JSON.stringify({ event, snapshots: refs.map((ref): unknown => ref?.getSnapshot()) });
}

async function watchedRun(executor: DryRunSimulator) {
  const received: InspectionEvent[] = [];
  const stately: StatelyInspectionEvent[] = [];
  const relay = createInspector({ send: (event) => { stately.push(event); } });
  const run = createRun({
    mode: 'DRYRUN', plan, initiator: 'carol', approvals: policy, executor,
    inspect: (event) => { received.push(event); relay.inspect.next?.(event); },
  });
  run.start();
  let view = await run.settled();
  const signatures: string[] = [];
  for (const [gate, approver] of [['SG_1', 'alice'], ['SG_2', 'bob']] as const) {
    if (view.gate !== gate) break;
    const approval = approvalFor(view, gate, approver);
    signatures.push(approval.signature);
    run.approve(approval);
    view = await run.settled();
  }
  // The Stately inspector converts events on a zero-delay timer.
  await new Promise((resolve) => setTimeout(resolve, 0));
  return { received, stately, signatures, view };
}

describe('watching a run (the inspect option)', () => {
  it('a completed run: the watcher follows every state, and sees no body, signature or DSN', async () => {
    const { received, stately, signatures, view } = await watchedRun(new LeakySimulator());
    expect(view.output?.status).toBe('completed');
    expect(signatures).toHaveLength(2);
    const texts = [...received.map(reachable), ...stately.map((e) => JSON.stringify(e))];
    for (const secret of [...SECRETS, ...signatures]) expect(texts.filter((text) => text.includes(secret))).toEqual([]);

    const rootStates = received
      .filter((e): e is InspectionEvent & { type: '@xstate.snapshot' } => e.type === '@xstate.snapshot' && e.actorRef.sessionId === e.rootId)
      .map((e) => (e.snapshot as unknown as { value: unknown }).value);
    expect(rootStates).toEqual(['idle', 'precheck', 'planning', 'awaitingCutApproval', 'backingUp', 'cutting', 'recordingLedger', 'verifying', 'awaitingEnactApproval', 'enacting', 'completed']);
    // What a watcher needs is still there: ids, counts, hashes, results.
    const root = received.find((e) => e.type === '@xstate.actor' && e.actorRef.sessionId === e.rootId)?.actorRef;
    const last = root?.getSnapshot() as { context: { changeSet: { rowCount: number; planHash: string }; results: { precheck: { target: string } } } };
    expect(last).toMatchObject({ status: 'done', value: 'completed' });
    expect(last.context.changeSet.rowCount).toBe(2);
    expect(last.context.changeSet.planHash).toMatch(/^[0-9a-f]{64}$/);
    expect(last.context.results.precheck.target).toBe('[redacted dsn]');
    const approve = received.find((e) => e.type === '@xstate.event' && e.event.type === 'APPROVE') as { event: { approval: Record<string, unknown> } } | undefined;
    expect(approve?.event.approval).toMatchObject({ gate: 'SG_1', approver: 'alice', signature: '[redacted]' });
    expect(stately.some((e) => e.type === '@xstate.actor' && e.definition?.includes('awaitingEnactApproval') === true)).toBe(true);
  });

  it('a failed phase: the error reaches the watcher as its code, with the DSN scrubbed from the message', async () => {
    const { received, stately, view } = await watchedRun(new LeakySimulator(true));
    // Refused for a reason that passes (the target was unreachable) after SG_1: halted before the backup, resumable.
    expect(view).toMatchObject({ state: 'halted', context: { haltedBefore: 'backingUp', error: { code: 'E_TARGET_UNAVAILABLE' } } });
    const texts = [...received.map(reachable), ...stately.map((e) => JSON.stringify(e))];
    for (const secret of SECRETS) expect(texts.filter((text) => text.includes(secret))).toEqual([]);
    const error = received.find((e) => e.type === '@xstate.event' && e.event.type === 'xstate.error.actor.backup') as { event: { error: unknown } } | undefined;
    expect(error?.event.error).toEqual({ name: 'Error', code: 'E_TARGET_UNAVAILABLE', message: 'pg_dump could not reach [redacted dsn]' });
  });

  it('the actors a watcher is handed are read-only stand-ins: sending through them throws', async () => {
    const { received } = await watchedRun(new LeakySimulator());
    const root = received.find((e) => e.type === '@xstate.actor')?.actorRef;
    expect(() => root?.send({ type: 'CANCEL', by: 'watcher', reason: 'no' })).toThrow(/read-only/);
  });

  it('session ids name the run and the process, so two runs in one process (or two processes) never share one', async () => {
    const sessions = async () => {
      const ids: string[] = [];
      const run = createRun({
        mode: 'DRYRUN', plan, initiator: 'carol', approvals: policy, executor: new DryRunSimulator(),
        inspect: (event) => { ids.push(event.actorRef.sessionId, event.rootId); },
      });
      run.start();
      await run.settled();
      return { runId: run.id, ids: [...new Set(ids)] };
    };
    const [first, second] = [await sessions(), await sessions()];
    for (const { runId, ids } of [first, second]) {
      expect(ids.length).toBeGreaterThan(1);
      for (const id of ids) expect(id).toMatch(new RegExp(`^${runId}/${process.pid}-[0-9a-f]{6}/x:\\d+$`));
    }
    expect(first.ids.filter((id) => second.ids.includes(id))).toEqual([]);
  });
});
