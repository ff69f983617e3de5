import { createActor, fromPromise, type AnyActorLogic } from 'xstate';
import { describe, expect, it } from 'vitest';
import { runMachine } from '../../../machines/run-machine.js';
import { isResumableError, phaseInput, pinnedChangeSet } from '../../../machines/run-setup.js';
import type { RunContext } from '../../../machines/run-types.js';
import { pinChangeSet } from '../../../src/domain/change-set.js';
import { Mode } from '../../../src/domain/mode.js';
import type { BackupResult, VerifyResult } from '../../../src/domain/results.js';
import { samplePlan } from '../../support/fixtures.js';

/**
 * The machine as published, before a run binds it: its defaults must fail closed (no executor, kill switch OFF,
 * every approval refused, every phase actor failing), and its own actions must record exactly what happened.
 */
const input = { runId: 'run-1', mode: Mode.DryRun, initiator: 'carol', expectedPlanHash: null };
const changeSet = pinChangeSet(samplePlan(2), 'run-1', null);
const approval = { gate: 'SG_1', runId: 'run-1', changeSetId: changeSet.changeSetId, planHash: changeSet.planHash, approver: 'alice', reason: 'ok', issuedAt: '2026-01-01T00:00:00.000Z', expiresAt: '2099-01-01T00:00:00.000Z', signature: 'x' };

const ok = <T>(value: T) => fromPromise<T, unknown>(() => Promise.resolve(value));
// A rejection with anything, `null` included: an actor's error is whatever it rejected with.
// eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
const fail = (error: unknown) => fromPromise<never, unknown>(() => Promise.reject(error));
const backup: BackupResult = { backupId: 'b', location: 'l', sha256: 's', bytes: 1, verified: true, takenAt: '2026-01-01T00:00:00.000Z', simulated: true };
const verify = (overrides: Partial<VerifyResult> = {}): VerifyResult => ({ changeSetId: changeSet.changeSetId, ok: true, expectedCount: 2, actualCount: 2, expectedDigest: 'e'.repeat(64), actualDigest: 'a'.repeat(64), simulated: true, ...overrides });

/** The base machine with the guards all open and the phases answering, except what a test overrides. */
function machineWith(overrides: { actors?: Record<string, AnyActorLogic>; guards?: Record<string, () => boolean> } = {}) {
  return runMachine.provide({
    actors: {
      precheck: ok({ executor: 'e', target: 't', rowCount: 2 }), planning: ok(changeSet), backup: ok(backup),
      cut: ok({ changeSetId: changeSet.changeSetId, created: 2, simulated: true }), ledger: ok({}), verify: ok(verify()),
      ...(overrides.actors ?? {}),
    } as never,
    guards: { executorReady: () => true, killSwitchOn: () => true, approvalValid: () => true, gateOpens: () => true, ...(overrides.guards ?? {}) },
  });
}

/** Lets the invoked promise actors settle: each phase here resolves at once. */
async function settle(): Promise<void> {
  for (let i = 0; i < 50; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

describe('the base machine fails closed', () => {
  it('refuses to start: no executor is bound, and says so', () => {
    const actor = createActor(runMachine, { input }).start();
    actor.send({ type: 'START' });
    const snapshot = actor.getSnapshot();
    expect(snapshot.value).toBe('refused');
    expect(snapshot.context.refusals).toEqual([{ gate: 'executor', code: 'E_LIVE_ADAPTER_REQUIRED', reason: 'the run has no executor of its mode' }]);
    expect(snapshot.context.error).toEqual({ name: 'LiveAdapterRequired', code: 'E_LIVE_ADAPTER_REQUIRED', message: 'the run has no executor of its mode' });
    expect(snapshot.output).toMatchObject({ status: 'refused', changeSetId: null });
    expect(snapshot.output?.planHash).toBeNull();
  });

  it('has guards that answer no', () => {
    const guards = runMachine.implementations.guards as Record<string, (...args: unknown[]) => unknown>;
    expect(guards.executorReady?.()).toBe(false);
    expect(guards.killSwitchOn?.()).toBe(false);
    expect(guards.approvalValid?.({}, { gate: 'SG_1' })).toBe(false);
    expect(guards.gateOpens?.({}, { gate: 'SG_1' })).toBe(false);
    expect(guards.policyInForce?.({})).toBe(false);
  });

  it('has phase actors that each fail, naming their phase', async () => {
    const actors = Object.entries(runMachine.implementations.actors as Record<string, AnyActorLogic>);
    expect(actors.map(([name]) => name).sort()).toEqual(['backup', 'compensate', 'cut', 'enact', 'ledger', 'planning', 'precheck', 'verify']);
    for (const [name, logic] of actors) {
      const actor = createActor(logic, { input: {} });
      const failed = new Promise<unknown>((resolve) => actor.subscribe({ error: resolve }));
      actor.start();
      expect(await failed).toMatchObject({ message: `phase actor '${name}' is not bound to an executor` });
    }
  });

  it('refuses every approval at SG_1 when no verifier is bound, and records why', async () => {
    const actor = createActor(machineWith({ guards: { approvalValid: runMachine.implementations.guards.approvalValid as never } }), { input }).start();
    actor.send({ type: 'START' });
    await settle();
    expect(actor.getSnapshot().value).toBe('awaitingCutApproval');
    actor.send({ type: 'APPROVE', approval } as never);
    expect(actor.getSnapshot().value).toBe('awaitingCutApproval');
    expect(actor.getSnapshot().context.refusals).toEqual([{ gate: 'SG_1', code: 'E_APPROVAL_INVALID', reason: 'no approval verifier is bound to this run' }]);
  });
});

describe('the machine records what happened', () => {
  it('keeps an approval without a review decision as exactly who, why and when', async () => {
    const actor = createActor(machineWith({ actors: { backup: fromPromise(() => new Promise(() => undefined)) } }), { input }).start();
    actor.send({ type: 'START' });
    await settle();
    actor.send({ type: 'APPROVE', approval } as never);
    const record = actor.getSnapshot().context.approvals.SG_1;
    expect(record).toEqual({ gate: 'SG_1', approver: 'alice', reason: 'ok', issuedAt: approval.issuedAt, expiresAt: approval.expiresAt });
    // The gate opened on the one approval it collected (the run's input named no policy).
    expect(actor.getSnapshot().context.collected).toEqual({ SG_1: [record] });
    expect(Object.keys(record ?? {})).not.toContain('reviewDecisionId');
  });

  it('says what verification found when it differs from the plan, and keeps the result', async () => {
    const found = verify({ ok: false, actualCount: 1 });
    const actor = createActor(machineWith({ actors: { verify: ok(found) } }), { input }).start();
    actor.send({ type: 'START' });
    await settle();
    actor.send({ type: 'APPROVE', approval } as never);
    await settle();
    const { context } = actor.getSnapshot();
    expect(context.error).toEqual({ name: 'VerifyMismatch', code: 'E_VERIFY_MISMATCH', message: 'verification found 1 rows (digest aaaaaaaaaaaa), expected 2 (digest eeeeeeeeeeee)' });
    expect(context.results.verify).toEqual(found);
  });

  it('treats a backup phase that answers nothing as unverified, and a verify that answers nothing as failed', async () => {
    const noBackup = createActor(machineWith({ actors: { backup: ok(undefined) } }), { input }).start();
    noBackup.send({ type: 'START' });
    await settle();
    noBackup.send({ type: 'APPROVE', approval } as never);
    await settle();
    expect(noBackup.getSnapshot().value).toBe('failed');
    expect(noBackup.getSnapshot().context.committed).toEqual([]);

    const noVerify = createActor(machineWith({ actors: { verify: ok(undefined) } }), { input }).start();
    noVerify.send({ type: 'START' });
    await settle();
    noVerify.send({ type: 'APPROVE', approval } as never);
    await settle();
    expect(noVerify.getSnapshot().status).toBe('active');
    expect(noVerify.getSnapshot().value).toEqual({ torn: 'awaitingCompensationApproval' });
    expect(noVerify.getSnapshot().context.error).toEqual({ name: 'VerifyMismatch', code: 'E_VERIFY_MISMATCH', message: 'verification returned no result' });
  });

  it('halts on a resumable error after a commit, and a resume clears the halt and the error', async () => {
    let attempts = 0;
    const ledger = fromPromise(() => (attempts++ === 0 ? Promise.reject(Object.assign(new Error('busy'), { code: 'E_TARGET_BUSY' })) : Promise.resolve({})));
    const actor = createActor(machineWith({ actors: { ledger, verify: fromPromise(() => new Promise(() => undefined)) } }), { input }).start();
    actor.send({ type: 'START' });
    await settle();
    actor.send({ type: 'APPROVE', approval } as never);
    await settle();
    expect(actor.getSnapshot().value).toBe('halted');
    expect(actor.getSnapshot().context).toMatchObject({ haltedBefore: 'recordingLedger', error: { code: 'E_TARGET_BUSY' } });
    actor.send({ type: 'RESUME', by: 'ops' });
    await settle();
    expect(actor.getSnapshot().value).toBe('verifying');
    expect(actor.getSnapshot().context).toMatchObject({ haltedBefore: null, error: null });
  });

  it('tears, not halts, on an error after a commit that is not resumable, even a rejection with null', async () => {
    const actor = createActor(machineWith({ actors: { ledger: fail(null) } }), { input }).start();
    actor.send({ type: 'START' });
    await settle();
    actor.send({ type: 'APPROVE', approval } as never);
    await settle();
    expect(actor.getSnapshot().value).toEqual({ torn: 'awaitingCompensationApproval' });
  });

  it('a REJECT answers only the gate it names', async () => {
    const actor = createActor(machineWith(), { input }).start();
    actor.send({ type: 'START' });
    await settle();
    actor.send({ type: 'REJECT', gate: 'SG_2', by: 'bob', reason: 'stale' });
    expect(actor.getSnapshot().value).toBe('awaitingCutApproval');
    actor.send({ type: 'REJECT', gate: 'SG_1', by: 'bob', reason: 'no' });
    expect(actor.getSnapshot().value).toBe('rejected');
  });
});

describe('helpers of the machine', () => {
  it('only a known code makes an error resumable', () => {
    for (const code of ['E_KILL_SWITCH_OFF', 'E_TARGET_UNAVAILABLE', 'E_TARGET_BUSY']) expect(isResumableError({ code })).toBe(true);
    for (const error of [null, undefined, 'E_TARGET_BUSY', { code: 'E_STOP_INVARIANT' }, new Error('E_TARGET_BUSY')]) expect(isResumableError(error)).toBe(false);
  });

  it('a phase cannot start without a pinned change set', () => {
    const context = { runId: 'r', mode: Mode.DryRun, changeSet: null } as unknown as RunContext;
    expect(() => pinnedChangeSet(context)).toThrow('no change set pinned');
    expect(() => phaseInput({ context })).toThrow('no change set pinned');
    expect(phaseInput({ context: { ...context, changeSet } })).toEqual({ runId: 'r', mode: Mode.DryRun, changeSet });
  });
});
