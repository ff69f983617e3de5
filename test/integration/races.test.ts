/**
 * I16, one writer per run, and I12 under contention: pairs of `cutter` commands race on one run, and approvals of two
 * runs race on one target, as two real processes on PostgreSQL. Every race must end with each command either having
 * acted (its whole effect, in turn) or having been told why not (a code, never exit 1); no approval taken twice; the
 * run's journal replaying to its stored state; no hold left on the run and no lease left on the target.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import { PostgresRunStore } from '../../src/postgres/run-store.js';
import { assertReplayMatches, replayStoredRun } from '../../src/replay/replay-stored-run.js';
import { createDurableRun } from '../../src/runs/durable-run.js';
import { approvalFor, keys, policy, samplePlan } from '../support/fixtures.js';
import { adapterFor } from '../support/run-fixtures/scenarios.js';
import { countRows, openTarget, TARGET_KINDS, type Target } from '../support/targets.js';
import { tsxNodeArgs } from '../support/tsx-node.js';

interface Outcome { readonly code: number; readonly out: string; readonly err: string }

/** An outcome in a line, for failure messages: the exit code, the state printed, the error. */
const brief = (outcomes: readonly Outcome[]) => outcomes.map((o) => `${o.code} ${/"state": "([^"]+)"/.exec(o.out)?.[1] ?? '-'} ${o.err.split('\n')[0] ?? ''}`).join(' | ');

/** A worker process (test/support/race-cli-worker.ts) and a way to hand it a command. */
function startWorker(cwd: string): { run: (argv: string[], delayMs: number) => Promise<Outcome>; stop: () => void } {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, tsxNodeArgs('test/support/race-cli-worker.ts'), {
    cwd: process.cwd(), env: { ...process.env, CUTTER_EXECUTION_ENABLED: 'on', CUTTER_LOG_LEVEL: 'silent', NO_COLOR: '1' },
  });
  const waiting = new Map<number, (outcome: Outcome) => void>();
  void (async () => {
    for await (const line of createInterface({ input: child.stdout })) {
      const { id, ...outcome } = JSON.parse(line) as Outcome & { id: number };
      waiting.get(id)?.(outcome);
      waiting.delete(id);
    }
  })();
  let next = 0;
  return {
    run: (argv, delayMs) => new Promise((resolve) => {
      const id = next++;
      waiting.set(id, resolve);
      child.stdin.write(`${JSON.stringify({ id, argv: [...argv, '--config', join(cwd, 'cutter.config.json')], delayMs })}\n`);
    }),
    stop: () => { child.kill(); },
  };
}

/** Acted: the command's effect is the run's (0, or a run that ended or tore as asked); refused: it said why (3, 4). */
const acted = (o: Outcome) => [ExitCode.Ok, ExitCode.RunNotCompleted, ExitCode.Torn].includes(o.code as never) && !/error E_/.test(o.err);
const toldWhy = (o: Outcome) => [ExitCode.InvalidInput, ExitCode.Refused].includes(o.code as never) && /E_[A-Z_]+/.test(`${o.err}${o.out}`);

const RACES_PER_KIND = Number(process.env.CUTTER_RACES_PER_KIND ?? 40);

// Needs a PostgreSQL server (CUTTER_TEST_DATABASE_URL); skipped only without one. CI sets CUTTER_REQUIRE_POSTGRES=1,
// and then test/support/targets.ts fails the suite if the URL is missing, so this tier never skips there.
describe.runIf(TARGET_KINDS.includes('postgres'))('races between real processes on PostgreSQL', () => {
  let target: Target;
  let store: PostgresRunStore;
  let dir = '';
  let a: ReturnType<typeof startWorker>;
  let b: ReturnType<typeof startWorker>;
  let serial = 0;

  beforeAll(async () => {
    target = await openTarget('postgres');
    await target.reset(); // the database kill switch ON, as in a change window
    store = new PostgresRunStore((work) => target.admin(work));
    dir = await mkdtemp(join(tmpdir(), 'cutter-races-'));
    for (const name of ['alice', 'bob', 'erin'] as const) {
      await writeFile(join(dir, `${name}.key`), keys[name].privateKey);
      await writeFile(join(dir, `${name}.pub`), keys[name].publicKey);
    }
    // The policy the runs are created under (test/support/fixtures.ts), so the CLI judges them by the same one.
    await writeFile(join(dir, 'cutter.config.json'), JSON.stringify({ approvers: { alice: join(dir, 'alice.pub'), bob: join(dir, 'bob.pub'), erin: join(dir, 'erin.pub') } }));
    a = startWorker(dir);
    b = startWorker(dir);
  }, 60_000);
  /** How the races went, printed at the end: how often the loser met the run held (E_RUN_BUSY) or found it moved on. */
  const tally = new Map<string, number>();
  const count = (outcomes: readonly Outcome[]) => {
    for (const o of outcomes) {
      const key = /E_[A-Z_]+/.exec(o.err)?.[0] ?? `exit ${o.code}`;
      tally.set(key, (tally.get(key) ?? 0) + 1);
    }
  };

  afterAll(async () => {
    console.info(`[races] outcomes: ${[...tally].map(([k, n]) => `${k} ${n}`).join(', ')}`);
    a.stop();
    b.stop();
    await target.close();
    await rm(dir, { recursive: true, force: true });
  });

  const cli = (...argv: string[]) => [...argv, '--database-url', target.dsn ?? '', '--json'];
  const approveCut = (runId: string) => cli('approve', runId, '--gate', 'cut', '--as', 'alice', '--key', join(dir, 'alice.key'), '--reason', 'race');

  /** A LIVE run parked at SG_1 (or, halted: stopped by the kill switch right after its cut), released by its maker. */
  async function parkedRun(halted = false): Promise<string> {
    serial += 1;
    const own = new InMemoryKillSwitch(true);
    const executor = adapterFor(target, own, halted ? { cutLegA: async (proceed) => { const r = await proceed(); own.turnOff(); return r; } } : {});
    const run = await createDurableRun({ store, mode: 'LIVE', plan: samplePlan(2, `race/r${serial}`), initiator: 'carol', approvals: policy, executor, killSwitch: own });
    run.start();
    const atCut = await run.settled();
    if (halted) {
      run.approve(approvalFor(atCut, 'SG_1'));
      expect((await run.settled()).state).toBe('halted');
    }
    await run.release();
    return run.id;
  }

  /** What every race must leave: a journal that replays, no hold on the run, no lease on the target. */
  async function settledCleanly(...runIds: string[]): Promise<void> {
    for (const runId of runIds) assertReplayMatches(await replayStoredRun(store, runId));
    expect(await countRows(target, 'run_holds')).toBe(0);
    expect(await countRows(target, 'target_lock')).toBe(0);
  }

  /** Approvals for `gate` the run took: an APPROVE the journal does not follow with a refusal. */
  async function approvalsTaken(runId: string, gate: string): Promise<number> {
    const journal = await store.journal(runId);
    return journal.filter((e, i) => e.event.type === 'APPROVE' && (e.event.approval as { gate?: string } | undefined)?.gate === gate
      && journal[i + 1]?.event.type !== 'cutter.refused').length;
  }

  const delays = (i: number): [number, number] => [i % 2 === 0 ? 0 : (i * 7) % 41, i % 2 === 0 ? (i * 11) % 41 : 0];

  it.each(Array.from({ length: RACES_PER_KIND }, (_, i) => i))('approve against approve on one run (#%i): one approval is taken, the other is told why', async (i) => {
    const runId = await parkedRun();
    const [da, db] = delays(i);
    const outcomes = await Promise.all([a.run(approveCut(runId), da), b.run(approveCut(runId), db)]);
    count(outcomes);
    expect(outcomes.filter((o) => o.code === ExitCode.Unexpected), brief(outcomes)).toEqual([]);
    expect(outcomes.filter(acted), brief(outcomes)).toHaveLength(1);
    expect(outcomes.filter(toldWhy), brief(outcomes)).toHaveLength(1);
    expect(await approvalsTaken(runId, 'SG_1')).toBe(1);
    expect((await store.find(runId))?.run.state).toBe('awaitingEnactApproval');
    await settledCleanly(runId);
  }, 60_000);

  it.each(Array.from({ length: RACES_PER_KIND }, (_, i) => i))('approve against reject on one run (#%i): the run ends where the command that won took it', async (i) => {
    const runId = await parkedRun();
    const [da, db] = delays(i);
    const [approve, reject] = await Promise.all([a.run(approveCut(runId), da), b.run(cli('reject', runId, '--gate', 'cut', '--as', 'bob', '--reason', 'race'), db)]);
    count([approve, reject]);
    expect([approve.code, reject.code]).not.toContain(ExitCode.Unexpected);
    const state = (await store.find(runId))?.run.state;
    if (state === 'rejected') {
      expect(reject.code, reject.err).toBe(ExitCode.RunNotCompleted);
      expect(toldWhy(approve), approve.err).toBe(true);
    } else {
      expect(state).toBe('awaitingEnactApproval');
      expect(approve.code, approve.err).toBe(ExitCode.Ok);
      expect(toldWhy(reject), reject.err).toBe(true);
    }
    await settledCleanly(runId);
  }, 60_000);

  it.each(Array.from({ length: RACES_PER_KIND }, (_, i) => i))('approve against cancel on one run (#%i): each acts in turn or is told why, and the run ends consistent', async (i) => {
    const runId = await parkedRun();
    const [da, db] = delays(i);
    const [approve, cancel] = await Promise.all([a.run(approveCut(runId), da), b.run(cli('cancel', runId, '--as', 'bob', '--reason', 'race'), db)]);
    count([approve, cancel]);
    expect([approve.code, cancel.code]).not.toContain(ExitCode.Unexpected);
    for (const o of [approve, cancel]) expect(acted(o) || toldWhy(o), brief([o])).toBe(true);
    const stored = await store.find(runId);
    // Cancelled at SG_1 (nothing written), or approved and then cancelled at SG_2 (torn: to SG_3), or only approved.
    expect(['cancelled', 'torn.awaitingCompensationApproval', 'awaitingEnactApproval']).toContain(stored?.run.state);
    const changeSetId = (stored?.snapshot as { context?: { changeSet?: { changeSetId?: string } } } | undefined)?.context?.changeSet?.changeSetId ?? '';
    if (stored?.run.state === 'cancelled') expect(await countRows(target, 'iu_versions', 'change_set_id = $1', [changeSetId])).toBe(0);
    await settledCleanly(runId);
  }, 60_000);

  it.each(Array.from({ length: RACES_PER_KIND }, (_, i) => i))('resume against resume on one halted run (#%i): it is resumed once', async (i) => {
    const runId = await parkedRun(true);
    const [da, db] = delays(i);
    const outcomes = await Promise.all([a.run(cli('resume', runId, '--as', 'ops'), da), b.run(cli('resume', runId, '--as', 'ops'), db)]);
    count(outcomes);
    expect(outcomes.filter((o) => o.code === ExitCode.Unexpected), brief(outcomes)).toEqual([]);
    expect(outcomes.filter(acted), brief(outcomes)).toHaveLength(1);
    expect(outcomes.filter(toldWhy), brief(outcomes)).toHaveLength(1);
    expect((await store.find(runId))?.run.state).toBe('awaitingEnactApproval');
    expect(await countRows(target, 'phase_records', "run_id = $1 AND phase = 'legBRecord'", [runId])).toBe(1);
    await settledCleanly(runId);
  }, 60_000);

  it.each(Array.from({ length: RACES_PER_KIND }, (_, i) => i))('two runs approved at once on one target (#%i): each is cut, or halts naming the other, and resumes', async (i) => {
    const [first, second] = [await parkedRun(), await parkedRun()];
    const [da, db] = delays(i);
    const outcomes = await Promise.all([a.run(approveCut(first), da), b.run(approveCut(second), db)]);
    count(outcomes);
    expect(outcomes.filter((o) => o.code === ExitCode.Unexpected), brief(outcomes)).toEqual([]);
    for (const [runId, other] of [[first, second], [second, first]] as const) {
      const stored = await store.find(runId);
      if (stored?.run.state === 'halted') {
        expect(JSON.stringify(stored.snapshot)).toContain(`held by run ${other}`);
        const resumed = await a.run(cli('resume', runId, '--as', 'ops'), 0);
        expect(resumed.code, resumed.err).toBe(ExitCode.Ok);
      }
      expect((await store.find(runId))?.run.state).toBe('awaitingEnactApproval');
    }
    await settledCleanly(first, second);
  }, 60_000);
});
