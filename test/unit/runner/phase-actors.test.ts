import { PassThrough } from 'node:stream';
import { createActor, toPromise, type AnyActorLogic } from 'xstate';
import { describe, expect, it } from 'vitest';
import { changeSetOf, pinChangeSet, planHashOf } from '../../../src/domain/change-set.js';
import { Mode } from '../../../src/domain/mode.js';
import type { EnactBatchResult, IUCreateResult } from '../../../src/domain/results.js';
import type { ExecutionContext } from '../../../src/executors/executor.js';
import { DryRunSimulator } from '../../../src/executors/simulator.js';
import { InMemoryKillSwitch } from '../../../src/kill-switch/index.js';
import { createLogger, silentLogger } from '../../../src/logging/logger.js';
import { bindPhaseActors } from '../../../src/runner/phase-actors.js';
import { FakeLiveAdapter } from '../../support/executors.js';
import { samplePlan } from '../../support/fixtures.js';

const plan = samplePlan(3);
const changeSet = pinChangeSet(plan, 'run-1', null);
const phaseInput = { runId: 'run-1', mode: Mode.DryRun, changeSet };

/** A DRYRUN executor whose answers a test rewrites: the phase actors must re-check what any executor reports. */
class Doctored extends DryRunSimulator {
  cut: (rows: readonly IUCreateResult[]) => readonly IUCreateResult[] = (rows) => rows;
  enact: (result: EnactBatchResult) => EnactBatchResult = (result) => result;
  count: (count: number) => number = (count) => count;
  override async cutLegA(ctx: ExecutionContext, rows: Parameters<DryRunSimulator['cutLegA']>[1]) { return this.cut(await super.cutLegA(ctx, rows)); }
  override async lifecycleEnact(ctx: ExecutionContext, request: { addresses: readonly string[]; reviewDecisionId: string }) { return this.enact(await super.lifecycleEnact(ctx, request)); }
  override async verifyResultCountFor(ctx: ExecutionContext) { return this.count(await super.verifyResultCountFor(ctx)); }
}

function actors(executor: Doctored | FakeLiveAdapter | DryRunSimulator, killSwitch = new InMemoryKillSwitch(true), logger = silentLogger) {
  return bindPhaseActors({ executor, killSwitch, plan: { kind: 'rows', plan }, logger });
}

function runActor(logic: AnyActorLogic, input: unknown): Promise<unknown> {
  const actor = createActor(logic, { input });
  const done = toPromise(actor);
  actor.start();
  return done;
}

/** Runs backup and cut, so enact and verify have drafts to work on. */
async function cutFirst(executor: Doctored): Promise<void> {
  const bound = actors(executor);
  await runActor(bound.backup, phaseInput);
  await runActor(bound.cut, phaseInput);
}

describe('the cut phase re-checks what the executor reports', () => {
  it('refuses a row reported as not created, naming it and its status', async () => {
    const executor = new Doctored();
    executor.cut = (rows) => rows.map((r, i) => (i === 1 ? { ...r, status: 'conflict' } : r));
    await expect(runActor(actors(executor).cut, phaseInput)).rejects.toMatchObject({
      code: 'E_STOP_INVARIANT', phase: 'cutLegA', address: plan.rows[1]?.address, status: 'conflict',
      message: expect.stringContaining('a row was not created') as unknown,
    });
  });

  it('refuses fewer results than planned rows', async () => {
    const executor = new Doctored();
    executor.cut = (rows) => rows.slice(1);
    await expect(runActor(actors(executor).cut, phaseInput)).rejects.toMatchObject({ code: 'E_STOP_INVARIANT', phase: 'cutLegA', message: expect.stringContaining('2 rows reported for 3 planned') as unknown });
  });

  it('reports simulated only when every row was simulated', async () => {
    const executor = new Doctored();
    executor.cut = (rows) => rows.map((r, i) => (i === 0 ? { ...r, simulated: false } : r));
    await expect(runActor(actors(executor).cut, phaseInput)).resolves.toEqual({ changeSetId: changeSet.changeSetId, created: 3, simulated: false });
    await expect(runActor(actors(new Doctored()).cut, phaseInput)).resolves.toEqual({ changeSetId: changeSet.changeSetId, created: 3, simulated: true });
  });
});

describe('the verify phase needs two independent reads to agree with the plan', () => {
  it('fails verification when the row count disagrees, even if the digest read agrees', async () => {
    const executor = new Doctored();
    await cutFirst(executor);
    executor.count = (count) => count + 1;
    await expect(runActor(actors(executor).verify, phaseInput)).resolves.toMatchObject({ ok: false, actualCount: 4, expectedCount: 3 });
  });

  it('passes when both reads agree', async () => {
    const executor = new Doctored();
    await cutFirst(executor);
    await expect(runActor(actors(executor).verify, phaseInput)).resolves.toMatchObject({ ok: true, actualCount: 3, expectedCount: 3 });
  });
});

describe('the enact phase re-checks what the executor reports', () => {
  const enactInput = { ...phaseInput, reviewDecisionId: 'RD-1' };

  it('refuses an IU reported as not enacted, naming it', async () => {
    const executor = new Doctored();
    await cutFirst(executor);
    executor.enact = (r) => ({ ...r, enacted: r.enacted.map((e, i) => (i === 2 ? { ...e, status: 'missing' } : e)) } as EnactBatchResult);
    await expect(runActor(actors(executor).enact, enactInput)).rejects.toMatchObject({
      code: 'E_STOP_INVARIANT', phase: 'lifecycleEnact', address: plan.rows[2]?.address, status: 'missing',
      message: expect.stringContaining('an IU was not enacted') as unknown,
    });
  });

  it('refuses fewer enactments than planned', async () => {
    const executor = new Doctored();
    await cutFirst(executor);
    executor.enact = (r) => ({ ...r, enacted: r.enacted.slice(0, 2) });
    await expect(runActor(actors(executor).enact, enactInput)).rejects.toMatchObject({ phase: 'lifecycleEnact', message: expect.stringContaining('2 IUs enacted for 3 planned') as unknown });
  });

  it('refuses a lifecycle log with fewer rows than enactments', async () => {
    const executor = new Doctored();
    await cutFirst(executor);
    executor.enact = (r) => ({ ...r, lifecycleLogRows: 2 });
    await expect(runActor(actors(executor).enact, enactInput)).rejects.toMatchObject({ phase: 'lifecycleEnact', message: expect.stringContaining('the lifecycle log has 2 rows for 3 enactments') as unknown });
  });

  it('summarises a good enactment with the review decision it was given', async () => {
    const executor = new Doctored();
    await cutFirst(executor);
    await expect(runActor(actors(executor).enact, enactInput)).resolves.toMatchObject({ changeSetId: changeSet.changeSetId, reviewDecisionId: 'RD-1', enacted: 3, simulated: true });
  });
});

describe('precheck and planning', () => {
  it('precheck refuses a LIVE run without a live adapter, and a DRYRUN run handed one', async () => {
    await expect(runActor(actors(new DryRunSimulator()).precheck, { runId: 'run-1', mode: Mode.Live })).rejects.toMatchObject({ code: 'E_LIVE_ADAPTER_REQUIRED', phase: 'precheck' });
    const adapter = new FakeLiveAdapter(new InMemoryKillSwitch(true));
    await expect(runActor(actors(adapter).precheck, { runId: 'run-1', mode: Mode.DryRun })).rejects.toMatchObject({ code: 'E_EXECUTOR_MODE_MISMATCH' });
    expect(adapter.calls).toEqual([]);
  });

  it('precheck asks the executor about this run, in its mode', async () => {
    const seen: unknown[] = [];
    const executor = Object.assign(new Doctored(), {
      precheck: (ctx: { runId: string; mode: Mode }) => { seen.push({ runId: ctx.runId, mode: ctx.mode }); return Promise.resolve({ target: 't', simulated: true }); },
    });
    await runActor(actors(executor).precheck, { runId: 'run-7', mode: Mode.DryRun });
    expect(seen).toEqual([{ runId: 'run-7', mode: Mode.DryRun }]);
  });

  it('precheck reports the executor, the target it names and the planned row count', async () => {
    const adapter = new FakeLiveAdapter(new InMemoryKillSwitch(true));
    await expect(runActor(actors(adapter).precheck, { runId: 'run-1', mode: Mode.Live })).resolves.toEqual({ executor: 'fake-live-adapter', target: 'fake target', rowCount: 3 });
  });

  it('planning refuses a plan whose hash is not the pinned one, and pins it when it is', async () => {
    const bound = actors(new DryRunSimulator());
    await expect(runActor(bound.planning, { runId: 'run-1', expectedPlanHash: 'f'.repeat(64) })).rejects.toMatchObject({ code: 'E_PLAN_PIN_MISMATCH' });
    await expect(runActor(bound.planning, { runId: 'run-1', expectedPlanHash: planHashOf(plan) })).resolves.toMatchObject({ planHash: planHashOf(plan), rowCount: 3 });
  });

  it('planning fingerprints the target for the run, over the plan\'s addresses', async () => {
    const seen: unknown[] = [];
    const executor = Object.assign(new DryRunSimulator(), {
      fingerprintTarget: (ctx: { runId: string }, addresses: readonly string[]) => { seen.push(ctx.runId, addresses); return Promise.resolve({ fingerprint: 'fp-1', at: '2026-11-21T00:00:00.000Z' }); },
    });
    const pinned = await runActor(actors(executor).planning, { runId: 'run-9', expectedPlanHash: null });
    expect(seen).toEqual(['run-9', plan.rows.map((r) => r.address)]);
    expect(pinned).toMatchObject({ targetFingerprint: 'fp-1', targetFingerprintAt: '2026-11-21T00:00:00.000Z' });
    await expect(runActor(actors(new DryRunSimulator()).planning, { runId: 'run-9', expectedPlanHash: null })).resolves.toMatchObject({ targetFingerprint: null });
  });

  it('planning by an executor that pins the plan: the change set is the pin\'s, and a short pin is refused', async () => {
    const seen: unknown[] = [];
    const pinning = (rowCount: number) => Object.assign(new DryRunSimulator(), {
      pinPlan: (ctx: { runId: string }, pinned: unknown, expected: string | null) => {
        seen.push(ctx.runId, pinned === plan, expected);
        return Promise.resolve({ planHash: 'a'.repeat(64), rowCount, fingerprint: 'fp-2', at: '2026-11-22T00:00:00.000Z' });
      },
    });
    const pinned = await runActor(actors(pinning(3)).planning, { runId: 'run-5', expectedPlanHash: 'b'.repeat(64) });
    expect(seen).toEqual(['run-5', true, 'b'.repeat(64)]);
    expect(pinned).toEqual(changeSetOf('a'.repeat(64), 3, 'run-5', { fingerprint: 'fp-2', at: '2026-11-22T00:00:00.000Z' }));
    expect(pinned).toMatchObject({ planHash: 'a'.repeat(64), targetFingerprint: 'fp-2' });
    await expect(runActor(actors(pinning(2)).planning, { runId: 'run-5', expectedPlanHash: null })).rejects.toMatchObject({ code: 'E_STOP_INVARIANT', message: expect.stringContaining('2 rows pinned for 3 planned') });
  });
});

describe('each phase names itself', () => {
  it('in the kill-switch refusal of every LIVE writing phase', async () => {
    const adapter = new FakeLiveAdapter(new InMemoryKillSwitch(true));
    const bound = actors(adapter, new InMemoryKillSwitch(false));
    const live = { ...phaseInput, mode: Mode.Live };
    const phases = { backup: 'preWriteBackup', cut: 'cutLegA', ledger: 'legBRecord', verify: 'writeVerify', enact: 'lifecycleEnact', compensate: 'compensateChangeSet' } as const;
    for (const [actor, phase] of Object.entries(phases)) {
      await expect(runActor(bound[actor as keyof typeof phases], { ...live, reviewDecisionId: 'RD-1' })).rejects.toMatchObject({ code: 'E_KILL_SWITCH_OFF', phase });
    }
    expect(adapter.calls).toEqual([]);
  });

  it('in its log lines: started with the change set, finished or failed with a duration and the error code', async () => {
    const out = new PassThrough();
    const lines: Record<string, unknown>[] = [];
    out.on('data', (chunk: Buffer) => { for (const line of chunk.toString('utf8').trim().split('\n')) lines.push(JSON.parse(line) as Record<string, unknown>); });
    const executor = new Doctored();
    executor.cut = () => [];
    const bound = actors(executor, new InMemoryKillSwitch(true), createLogger({ level: 'info', destination: out }));
    const before = performance.now();
    await runActor(bound.backup, phaseInput);
    await runActor(bound.cut, phaseInput).catch(() => undefined);
    const elapsed = performance.now() - before;
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.map((l) => [l.phase, l.msg])).toEqual([
      ['preWriteBackup', 'phase started'], ['preWriteBackup', 'phase finished'], ['cutLegA', 'phase started'], ['cutLegA', 'phase failed'],
    ]);
    expect(lines[0]).toMatchObject({ changeSetId: changeSet.changeSetId });
    expect(lines[1]?.ms).toEqual(expect.any(Number));
    // The durations are the phases' own: never more than the time this test spent running them.
    expect(lines[1]?.ms).toBeGreaterThanOrEqual(0);
    expect(lines[1]?.ms).toBeLessThanOrEqual(Math.ceil(elapsed));
    expect(lines[3]).toMatchObject({ code: 'E_STOP_INVARIANT' });
    expect(lines[3]?.ms).toBeGreaterThanOrEqual(0);
    expect(lines[3]?.ms).toBeLessThanOrEqual(Math.ceil(elapsed));
  });
});
