/**
 * One measurement each, on a fresh schema: the COPY floor, the adapter's cut and enactment, a whole LIVE run through
 * the statechart with the run store, a DRYRUN run, and the pg_dump backup runner. Every function returns
 * milliseconds (and, for runs, where the time went); none asserts a time.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { changeSetOf, contentDigestOf, pinChangeSet } from '../src/domain/change-set.js';
import type { Cutplan } from '../src/domain/cutplan.js';
import { Mode } from '../src/domain/mode.js';
import { InMemoryKillSwitch } from '../src/kill-switch/index.js';
import { createPgDumpBackupRunner } from '../src/postgres/backups/pg-dump-runner.js';
import { snapshotBackupRunner } from '../src/postgres/backups/snapshot-runner.js';
import { copyTextLine } from '../src/postgres/copy-text.js';
import { DbRole, type DbSession } from '../src/postgres/port.js';
import { PostgresLiveExecutionAdapter } from '../src/postgres/postgres-adapter.js';
import { PostgresRunStore } from '../src/postgres/run-store.js';
import { classifyPlan } from '../src/postgres/classify.js';
import { benchPlan } from './plan.js';
import { standInHash, type BenchRow } from './rows.js';
import { inTransaction } from '../src/postgres/transaction.js';
import { createDurableRun } from '../src/runs/durable-run.js';
import type { Run } from '../src/runner/create-run.js';
import { benchApproval, benchPolicy } from './approvals.js';
import type { ScratchTarget } from './scratch.js';
import { timedProvider } from './timed-provider.js';

/** Rows per COPY chunk: the adapter's default, so the floor streams exactly as the cut does. */
const CHUNK = 1000;
export const killSwitch = new InMemoryKillSwitch(true);
const elapsed = async (work: () => Promise<unknown>): Promise<number> => {
  const start = performance.now();
  await work();
  return performance.now() - start;
};

/**
 * The floor: COPY of N rows straight into cutter.iu_versions (its indexes and triggers), one transaction, as
 * cutter_exec. The rows come from a generator (never held) with stand-in content hashes (rows.ts), so the floor is the
 * server's work and the wire. `version` 2 and `rows` another generator give the classification's floor (a).
 */
export function copyFloor(target: ScratchTarget, rows: Iterable<BenchRow>, version = 1, changeSetId = 'cs-floor'): Promise<number> {
  // No status column: a version enters as a draft by default, and cutter_exec may not name another (migration 10).
  const columns = ['address', 'version', 'title', 'body', 'content_hash', 'change_set_id'];
  function* chunks(): Generator<string> {
    let text = '';
    let inChunk = 0;
    let i = 0;
    for (const r of rows) {
      text += copyTextLine([r.address, version, r.title, r.body, standInHash(i++), changeSetId]);
      if (++inChunk === CHUNK) {
        yield text;
        text = '';
        inChunk = 0;
      }
    }
    if (inChunk > 0) yield text;
  }
  return elapsed(() => inTransaction(target.provider, DbRole.Exec, undefined, async (s) => {
    if (s.copyRows === undefined) throw new Error('this session cannot COPY');
    await s.copyRows('cutter.iu_versions', columns, chunks());
  }));
}

export const adapterFor = (target: ScratchTarget, provider = target.provider) =>
  new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: provider, backupRunner: snapshotBackupRunner });

/** The adapter's cut alone of rows the client sends (no pin), then (untimed in `cutMs`) its enactment: both phases' own transactions. */
export async function cutAndEnact(target: ScratchTarget, plan: Cutplan): Promise<{ cutMs: number; enactMs: number }> {
  const adapter = adapterFor(target);
  const ctx = { runId: 'bench-phases', mode: Mode.Live, changeSet: pinChangeSet(plan, 'bench-phases') };
  const cutMs = await elapsed(() => adapter.cutLegA(ctx, plan.rows));
  const addresses = plan.rows.map((r) => r.address);
  // The database enacts only a verified change set (migration 10); verification is not part of `enactMs`.
  await adapter.writeVerify(ctx, { count: plan.rows.length, digest: contentDigestOf(plan.rows) });
  const enactMs = await elapsed(() => adapter.lifecycleEnact(ctx, { addresses, reviewDecisionId: 'RD-BENCH' }));
  await adapter.releaseTarget(ctx);
  return { cutMs, enactMs };
}

/**
 * Planning's pin of the plan in the target (rows streamed and hashed, fingerprint taken), then (untimed in `pinMs`)
 * the cut from the pinned rows, as a LIVE run takes them: each its own transaction.
 */
export async function pinAndCut(target: ScratchTarget, plan: Cutplan): Promise<{ pinMs: number; cutMs: number }> {
  const adapter = adapterFor(target);
  const runId = 'bench-pinned';
  const start = performance.now();
  const pin = await adapter.pinPlan({ runId }, plan, null);
  const pinMs = performance.now() - start;
  const ctx = { runId, mode: Mode.Live, changeSet: changeSetOf(pin.planHash, pin.rowCount, runId, pin) };
  const cutMs = await elapsed(() => adapter.cutLegA(ctx, plan.rows));
  await adapter.releaseTarget(ctx);
  return { pinMs, cutMs };
}

export interface RunTiming {
  readonly wallMs: number;
  /** Sum of the time every phase session was held (each phase's transaction, precheck and fingerprint included). */
  readonly phaseDbMs: number;
  /** Sum of the run store's writes and reads (plan, snapshots, journal). */
  readonly storeMs: number;
  readonly overheadMs: number;
}

/** The run store in the target, its busy time summed (`ms`). */
export function timedStore(target: Pick<ScratchTarget, 'admin'>): { store: PostgresRunStore; ms: () => number } {
  let storeMs = 0;
  const admin = async <T>(work: (session: DbSession) => Promise<T>): Promise<T> => {
    const start = performance.now();
    try {
      return await target.admin(work);
    } finally {
      storeMs += performance.now() - start;
    }
  };
  return { store: new PostgresRunStore(admin), ms: () => storeMs };
}

/** Starts `run`, approves both gates as they come, and waits until it completes (else throws, naming where it stopped). */
export async function approveToTheEnd(run: Run, label: string): Promise<void> {
  run.start();
  const atCut = await run.settled();
  if (atCut.gate !== 'SG_1') throw new Error(`${label} run stopped at ${atCut.state} before SG_1: ${JSON.stringify(atCut.context.error)}`);
  run.approve(benchApproval(atCut, 'SG_1'));
  const atEnact = await run.settled();
  if (atEnact.gate !== 'SG_2') throw new Error(`${label} run stopped at ${atEnact.state} before SG_2: ${JSON.stringify(atEnact.context.error)}`);
  run.approve(benchApproval(atEnact, 'SG_2'));
  const output = await run.done();
  if (output.status !== 'completed') throw new Error(`${label} run ended ${output.status}: ${JSON.stringify(output.error)}`);
}

/** A whole durable run through the statechart, both gates approved, with the Postgres run store in the target. */
export async function wholeRun(target: ScratchTarget, plan: Cutplan, mode: Mode): Promise<RunTiming> {
  const timed = timedProvider(target.provider);
  const stored = timedStore(target);
  const start = performance.now();
  const run = await createDurableRun({
    mode, plan, initiator: 'bench', approvals: benchPolicy, killSwitch, store: stored.store,
    ...(mode === Mode.Live ? { executor: adapterFor(target, timed.provider) } : {}),
  });
  await approveToTheEnd(run, mode);
  const wallMs = performance.now() - start;
  const phaseDbMs = timed.heldMs();
  return { wallMs, phaseDbMs, storeMs: stored.ms(), overheadMs: wallMs - phaseDbMs };
}

/**
 * Planning's classification against a target that already holds the plan's N addresses enacted (after a LIVE run),
 * with 1% of the bodies edited: set-based, read-only, every address new, changed or unchanged.
 */
export async function classifyHeld(target: ScratchTarget, n: number): Promise<number> {
  const edited = benchPlan(n, 100);
  let changed = 0;
  const ms = await elapsed(async () => { changed = (await classifyPlan(target.provider, edited)).counts.changed; });
  if (changed !== Math.ceil(n / 100)) throw new Error(`classification found ${changed} changed rows of ${n}, expected ${Math.ceil(n / 100)}`);
  return ms;
}

/** The pg_dump backup runner alone, in a backup phase's transaction, of the target as it is (after a LIVE run: N rows). */
export async function pgDumpBackup(target: ScratchTarget): Promise<number> {
  if (target.dsn === null) throw new Error('pg_dump needs a server');
  const directory = await mkdtemp(join(tmpdir(), 'cutter-bench-dump-'));
  try {
    const runner = createPgDumpBackupRunner({ dsn: target.dsn, directory });
    return await elapsed(() => inTransaction(target.provider, DbRole.Exec, undefined, (session) =>
      runner.take({ runId: 'bench-dump', changeSetId: 'cs-bench-dump', session })));
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
