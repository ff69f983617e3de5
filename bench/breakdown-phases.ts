/**
 * One pass of the breakdown: the COPY floor, the streamed planning of `cutter plan`, and each phase of a LIVE run
 * through the adapter (pin, backup, cut from the pin, ledger, verify, enact), each on a schema prepared as `variant`
 * says, each measured for wall time, the backend's CPU, WAL, and bytes sent. Passes of the variants without the IU
 * table's triggers, and without its secondary indexes too, tell by difference what those cost.
 */
import { changeSetOf, contentDigestOf } from '../src/domain/change-set.js';
import type { Cutplan } from '../src/domain/cutplan.js';
import { Mode } from '../src/domain/mode.js';
import { StopInvariantFailed } from '../src/errors/index.js';
import { InMemoryKillSwitch } from '../src/kill-switch/index.js';
import { snapshotBackupRunner } from '../src/postgres/backups/snapshot-runner.js';
import { DbRole, type ConnectionProvider } from '../src/postgres/port.js';
import { PostgresLiveExecutionAdapter } from '../src/postgres/postgres-adapter.js';
import { stagePlan, type StreamedSourceRow, type StreamedSources } from '../src/postgres/sql/streamed-plan.js';
import { copyFloor } from './measures.js';
import type { meteredProvider } from './metered-provider.js';
import { readOwnIo } from './proc-stats.js';
import type { ScratchTarget } from './scratch.js';
import type { WalMeter } from './wal-meter.js';
import { NARROW_LAYOUT_SQL } from './narrow-layout.js';

/**
 * How the IU table is set up for a pass: as migrated; with its user triggers disabled; and without secondary indexes
 * too. The same three again in the narrow layout's prototype (bench/narrow-layout.ts): IU rows without title or body.
 */
export const Variant = {
  AsIs: 'as-is', NoTriggers: 'no-triggers', Bare: 'no-triggers-no-indexes',
  Narrow: 'narrow', NarrowNoTriggers: 'narrow-no-triggers', NarrowBare: 'narrow-no-triggers-no-indexes',
} as const;
export type Variant = (typeof Variant)[keyof typeof Variant];

/**
 * The bare variant drops the by-change-set and one-enacted indexes; it keeps the primary key (id) and the unique
 * (address, version) key, by which enactment finds each chunk's rows (without it every chunk is a sequential scan).
 */
const VARIANT_SQL: Readonly<Record<Variant, readonly string[]>> = {
  [Variant.AsIs]: [],
  [Variant.Narrow]: NARROW_LAYOUT_SQL,
  [Variant.NarrowNoTriggers]: [...NARROW_LAYOUT_SQL, 'ALTER TABLE cutter.iu_heads DISABLE TRIGGER USER'],
  [Variant.NarrowBare]: [...NARROW_LAYOUT_SQL, 'ALTER TABLE cutter.iu_heads DISABLE TRIGGER USER', 'DROP INDEX cutter.iu_versions_by_change_set, cutter.iu_versions_one_enacted'],
  [Variant.NoTriggers]: ['ALTER TABLE cutter.iu_versions DISABLE TRIGGER USER'],
  [Variant.Bare]: [
    'ALTER TABLE cutter.iu_versions DISABLE TRIGGER USER',
    'DROP INDEX cutter.iu_versions_by_change_set, cutter.iu_versions_one_enacted',
  ],
};

/** The variants in the narrow layout: their IU table is a view, so their passes' COPY floor is measured as-is. */
export const NARROW_VARIANTS: readonly Variant[] = [Variant.Narrow, Variant.NarrowNoTriggers, Variant.NarrowBare];
/** The variants whose triggers log every move, so enactment's last check (the log's count) can pass. */
const LOGGED_VARIANTS: readonly Variant[] = [Variant.AsIs, Variant.Narrow];

export const Step = {
  Floor: 'COPY floor',
  Staging: 'streamed planning (stagePlan)',
  Pin: 'planning: pinPlan',
  Backup: 'preWriteBackup (snapshot)',
  Cut: 'cutLegA (from the pin)',
  Ledger: 'legBRecord',
  Verify: 'writeVerify',
  Enact: 'lifecycleEnact',
} as const;
export type Step = (typeof Step)[keyof typeof Step];

/** The LIVE run's phases, in order: their sums are "the LIVE run's phases" (orchestration is not measured here). */
export const LIVE_STEPS: readonly Step[] = [Step.Pin, Step.Backup, Step.Cut, Step.Ledger, Step.Verify, Step.Enact];

export interface StepFigures {
  readonly step: Step;
  readonly variant: Variant;
  readonly wallMs: number;
  /** The backends' utime + stime over the step's sessions (checkout to release), in ms. */
  readonly cpuMs: number;
  /** The same from schedstat (ns resolution), in ms; null where the kernel does not keep it. */
  readonly cpuSchedMs: number | null;
  /** How long the backends were runnable but waited for a core (schedstat), in ms: the machine's other load. */
  readonly cpuWaitMs: number | null;
  /** This (client) process's user + system CPU over the step, in ms: building COPY text, hashing, parsing replies. */
  readonly clientCpuMs: number;
  readonly walServerBytes: number;
  readonly walOwnBytes: number;
  readonly walOwnRecords: number;
  readonly walOwnFpiBytes: number;
  /** Statement text and parameters; COPY payload. */
  readonly queryBytes: number;
  readonly copyBytes: number;
  /** This process's write and read system-call bytes over the step (its sockets to the server: protocol included). */
  readonly writeSyscallBytes: number;
  readonly readSyscallBytes: number;
  readonly statements: number;
  readonly sessions: number;
}

export interface Meters {
  readonly wal: WalMeter;
  readonly sessions: ReturnType<typeof meteredProvider>;
  readonly ticksPerSecond: number;
}

async function measure(step: Step, variant: Variant, meters: Meters, work: () => Promise<unknown>): Promise<StepFigures> {
  meters.sessions.take();
  const start = await meters.wal.position();
  const ioBefore = readOwnIo();
  const clientBefore = process.cpuUsage();
  const t0 = performance.now();
  await work();
  const wallMs = performance.now() - t0;
  const client = process.cpuUsage(clientBefore);
  const ioAfter = readOwnIo();
  const s = meters.sessions.take();
  const wal = await meters.wal.since(start, s.xids);
  return {
    step, variant, wallMs,
    cpuMs: (s.cpuTicks * 1000) / meters.ticksPerSecond,
    cpuSchedMs: s.cpuNs === null ? null : s.cpuNs / 1e6,
    cpuWaitMs: s.cpuWaitNs === null ? null : s.cpuWaitNs / 1e6,
    clientCpuMs: (client.user + client.system) / 1000,
    walServerBytes: wal.serverBytes, walOwnBytes: wal.ownBytes, walOwnRecords: wal.ownRecords, walOwnFpiBytes: wal.ownFpiBytes,
    queryBytes: s.queryBytes, copyBytes: s.copyBytes,
    writeSyscallBytes: ioAfter.wchar - ioBefore.wchar, readSyscallBytes: ioAfter.rchar - ioBefore.rchar,
    statements: s.statements, sessions: s.sessions,
  };
}

/** The plan's rows as `cutter plan` reads them from sources (each call reads them again): unvalidated objects with an origin each. */
function sourceRows(plan: Cutplan): StreamedSources {
  function* rows(): Generator<StreamedSourceRow> {
    for (const [i, r] of plan.rows.entries()) yield { raw: { address: r.address, title: r.title, body: r.body }, origin: `bench:${i + 1}` };
  }
  return () => ({ [Symbol.asyncIterator]: () => { const iterator = rows(); return { next: () => Promise.resolve(iterator.next()) }; } });
}

/** `cutter plan`'s streamed planning, as the CLI runs it: cutter_verify, one transaction, rolled back; no retirements. */
async function stageOnce(provider: ConnectionProvider, plan: Cutplan): Promise<void> {
  const session = await provider(DbRole.Verify);
  try {
    await session.query('BEGIN');
    try {
      const staged = await stagePlan(session, sourceRows(plan), []);
      if (staged.counts.new !== plan.rows.length || staged.planHash === null) throw new Error(`staging classified ${staged.counts.new} of ${plan.rows.length} rows as new`);
    } finally {
      await session.query('ROLLBACK');
    }
  } finally {
    await session.release();
  }
}

const killSwitch = new InMemoryKillSwitch(true);

/** One pass over every step, each step on a fresh schema prepared as `variant` (the LIVE phases on one, in order). */
/** `chunk`: the adapter's rows per chunk (its `chunkSize`); null leaves its default. */
export async function runPass(target: ScratchTarget, plan: Cutplan, variant: Variant, meters: Meters, withStaging: boolean, chunk: number | null = null): Promise<StepFigures[]> {
  const metered: ScratchTarget = { ...target, provider: meters.sessions.provider };
  const prepare = async (as: Variant = variant) => {
    await target.fresh();
    for (const sql of VARIANT_SQL[as]) await meters.wal.exec(sql);
  };
  const figures: StepFigures[] = [];
  // The floor is a COPY into the IU table as migrated, in every pass: the narrow layout's IU table is a view.
  await prepare(NARROW_VARIANTS.includes(variant) ? Variant.AsIs : variant);
  figures.push(await measure(Step.Floor, variant, meters, () => copyFloor(metered, plan.rows)));
  if (withStaging) {
    await prepare();
    figures.push(await measure(Step.Staging, variant, meters, () => stageOnce(metered.provider, plan)));
  }
  await prepare();
  const adapter = new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: metered.provider, backupRunner: snapshotBackupRunner, ...(chunk === null ? {} : { chunkSize: chunk }) });
  const runId = `bench-breakdown-${variant}`;
  let pin: Awaited<ReturnType<typeof adapter.pinPlan>> | undefined;
  figures.push(await measure(Step.Pin, variant, meters, async () => { pin = await adapter.pinPlan({ runId }, plan, null); }));
  if (pin === undefined) throw new Error('no pin');
  const ctx = { runId, mode: Mode.Live, changeSet: changeSetOf(pin.planHash, pin.rowCount, runId, pin) };
  figures.push(await measure(Step.Backup, variant, meters, () => adapter.preWriteBackup(ctx)));
  figures.push(await measure(Step.Cut, variant, meters, () => adapter.cutLegA(ctx, plan.rows)));
  figures.push(await measure(Step.Ledger, variant, meters, () => adapter.legBRecord(ctx)));
  const expected = { count: plan.rows.length, digest: contentDigestOf(plan.rows) };
  figures.push(await measure(Step.Verify, variant, meters, async () => {
    if (!(await adapter.writeVerify(ctx, expected)).ok) throw new Error('verification failed');
  }));
  const addresses = plan.rows.map((r) => r.address);
  figures.push(await measure(Step.Enact, variant, meters, async () => {
    try {
      await adapter.lifecycleEnact(ctx, { addresses, reviewDecisionId: 'RD-BENCH' });
    } catch (error) {
      // Without the triggers the lifecycle log stays empty, and enactment's last check (after every UPDATE has run)
      // refuses and rolls back: the work is done all the same, only its phase record and commit are not.
      const unlogged = error instanceof StopInvariantFailed && error.phase === 'lifecycleEnact' && !LOGGED_VARIANTS.includes(variant);
      if (!unlogged) throw error;
    }
  }));
  await adapter.releaseTarget(ctx);
  return figures;
}
