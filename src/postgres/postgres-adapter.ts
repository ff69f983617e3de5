import { planHashOf } from '../domain/change-set.js';
import type { CutSummary, EnactSummary } from '../../machines/run-types.js';
import type { Cutplan } from '../domain/cutplan.js';
import type { PinnedPlanFacts } from '../domain/pinned-plan-facts.js';
import type { IURow } from '../domain/iu.js';
import type { Mode } from '../domain/mode.js';
import {
  freezeResult,
  type BackupResult,
  type CompensationResult,
  type EnactBatchResult,
  type IUCreateResult,
  type LegBResult,
  type VerifyResult,
} from '../domain/results.js';
import { CollaboratorNotConfigured, PlanPinMismatch, StopInvariantFailed } from '../errors/index.js';
import type { EnactRequest, ExecutionContext, PinnedPlan, PrecheckReport, VerifyExpectation } from '../executors/executor.js';
import { LiveExecutionAdapter } from '../executors/live-adapter.js';
import { refusingBackupRunner, type BackupRunner } from './backups/backup-runner.js';
import { assertSchemaVersion, isConnectionFailure, RETRYABLE_SQLSTATES, sqlStateOf, TargetUnavailable } from './errors.js';
import { LATEST_SCHEMA_VERSION, schemaVersionOf } from './migrations/index.js';
import { DbRole, type ConnectionProvider, type DbSession } from './port.js';
import type { PhaseProgress, PostgresAdapterOptions } from './adapter-options.js';
import { compensateChangeSet, enactChangeSet, enactPinnedPlan, replayEnactment } from './change-set-phases.js';
import { cutPinnedPlan, cutRows } from './cut-rows.js';
import { createdRowsOf } from './sql/iu-create.js';
import { findPin, pinPlan } from './sql/pinned-plan.js';
import { assertDatabaseKillSwitchOn } from './sql/kill-switch.js';
import { appendLedger } from './sql/ledger.js';
import { assertPhaseRecordAgrees, findPhaseRecord, recordPhase } from './sql/phase-records.js';
import { acquireTarget, releaseTarget } from './sql/target-lock.js';
import { assertRunHold } from './sql/run-hold.js';
import { targetFingerprint } from './sql/target-state.js';
import { changeSetCount, changeSetDigest, recordVerification } from './sql/verify.js';
import { mapRowError } from './row-error-mapping.js';
import { inTransaction } from './transaction.js';

export type { PhaseProgress, PostgresAdapterOptions } from './adapter-options.js';

/** The most rows staged between two progress reports. */
const MAX_CHUNK = 10_000;

const refusingProvider: ConnectionProvider = () => Promise.reject(new CollaboratorNotConfigured('connectionProvider'));

/**
 * The live adapter for PostgreSQL (and PGlite, through the same port). Construction never connects. Every phase is
 * one transaction on a session of its role: it reads the database kill switch, replays the phase if this run already
 * committed it, does its work set-based in chunks, records its result, and commits; any error rolls all of it back.
 *
 * @example
 * const adapter = new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: connections.provider,
 *   backupRunner: snapshotBackupRunner });
 */
export class PostgresLiveExecutionAdapter extends LiveExecutionAdapter {
  readonly name: string;
  /** Every phase awaits `ctx.recorded` just before its COMMIT, so a run may start it while that record is being written. */
  readonly awaitsRecordBeforeCommit = true;
  readonly #provider: ConnectionProvider;
  readonly #backupRunner: BackupRunner;
  readonly #chunkSize: number;
  readonly #leaseSeconds: number;
  readonly #attempts: number;
  readonly #onProgress: ((progress: PhaseProgress) => void) | undefined;

  constructor(options: PostgresAdapterOptions) {
    super(options.killSwitch);
    this.name = options.name ?? 'postgres-live-adapter';
    this.#provider = options.connectionProvider ?? refusingProvider;
    this.#backupRunner = options.backupRunner ?? refusingBackupRunner;
    this.#chunkSize = Math.min(MAX_CHUNK, Math.max(1, options.chunkSize ?? 1000));
    this.#leaseSeconds = Math.max(5, options.leaseSeconds ?? 120);
    this.#attempts = Math.max(1, options.attempts ?? 3);
    this.#onProgress = options.onProgress;
  }

  /** A progress reporter for one phase of `total` rows; a listener's throw never reaches the phase. */
  #progress(phase: string, total: number): (done: number, finished?: boolean) => void {
    return (done, finished = false) => {
      try {
        this.#onProgress?.({ phase, done, total, finished });
      } catch {
        // Progress is advisory: a failing listener must not roll a phase back.
      }
    };
  }

  /** Gives the target lease back (the run parked or ended). Failures are swallowed: the lease expires anyway. */
  override async releaseTarget(ctx: { readonly runId: string; readonly holdToken?: string }): Promise<void> {
    try {
      await inTransaction(this.#provider, DbRole.Exec, undefined, (session) => releaseTarget(session, ctx.runId, ctx.holdToken));
    } catch {
      // A missing connection here costs at most one lease period.
    }
  }

  /**
   * One phase: its role's transaction, the database kill switch, replay if already committed, then the work. `rows`
   * are the plan rows the phase writes, if any: a row the database refuses is looked for among them, to be named.
   */
  async #phase<T>(
    ctx: ExecutionContext,
    phase: string,
    role: DbRole,
    work: (session: DbSession) => Promise<T>,
    compact?: { record: (result: T) => unknown; replay: (session: DbSession, recorded: unknown) => Promise<T> },
    rows?: readonly IURow[],
  ): Promise<T> {
    return this.#withRetries(phase, ctx.signal, () => inTransaction(this.#provider, role, ctx.signal, async (session) => {
      await assertDatabaseKillSwitchOn(session, phase);
      // One process acts on a run at a time: its hold is checked here, and kept from being taken until this commits.
      if (ctx.holdToken !== undefined) await assertRunHold(session, ctx.runId, ctx.holdToken);
      // One LIVE run writes to a target at a time: every writing phase takes or renews the lease in its transaction.
      if (role === DbRole.Exec) await acquireTarget(session, ctx.runId, phase, this.#leaseSeconds);
      const result = await this.#replayOrWork(session, ctx, phase, role, work, compact);
      // Record before effect: the run's record that it entered this phase, written beside the phase's work on a
      // session of its own, commits before this does; if it failed (the run is no longer this process's), this rolls back.
      await ctx.recorded;
      return result;
    }), rows);
  }

  /** The phase's work and its record, or, if this run already committed the phase, its replay from that record. */
  async #replayOrWork<T>(
    session: DbSession,
    ctx: ExecutionContext,
    phase: string,
    role: DbRole,
    work: (session: DbSession) => Promise<T>,
    compact?: { record: (result: T) => unknown; replay: (session: DbSession, recorded: unknown) => Promise<T> },
  ): Promise<T> {
    const recorded = await findPhaseRecord<T>(session, ctx.runId, phase);
    if (recorded !== undefined) {
      // A record is trusted only if the database agrees with it: a forged one stops the run, never skips the phase.
      await assertPhaseRecordAgrees(session, ctx.runId, phase, ctx.changeSet.changeSetId, recorded);
      return compact === undefined ? (freezeResult(recorded as object) as T) : compact.replay(session, recorded);
    }
    const result = await work(session);
    await recordPhase(session, role, ctx.runId, phase, ctx.changeSet.changeSetId, compact === undefined ? result : compact.record(result));
    return result;
  }

  /**
   * Runs a whole phase transaction again after a serialization failure, a deadlock or a dropped connection: each
   * attempt rolled back whole, and a phase that committed is found by its record, so a retry never applies twice.
   * A connection failure that outlasts the retries becomes {@link TargetUnavailable} (resumable); a row the database
   * refused (SQLSTATE classes 22, 23) becomes an error naming the row (`E_ROW_DUPLICATE`, `E_ROW_CONSTRAINT`,
   * `E_ROW_DATA_INVALID`), looked for among `rows` where the database's error does not name it.
   */
  async #withRetries<T>(phase: string, signal: AbortSignal | undefined, attempt: () => Promise<T>, rows?: readonly IURow[]): Promise<T> {
    for (let tries = 1; ; tries++) {
      try {
        return await attempt();
      } catch (error) {
        const connection = isConnectionFailure(error);
        const retryable = connection || RETRYABLE_SQLSTATES.has(sqlStateOf(error) ?? '');
        if (!retryable || tries >= this.#attempts || signal?.aborted === true) {
          throw connection ? new TargetUnavailable(phase, error) : mapRowError(phase, error, rows);
        }
        await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** tries));
      }
    }
  }

  protected async runPrecheck(ctx: { readonly runId: string; readonly mode: Mode; readonly signal?: AbortSignal }): Promise<PrecheckReport> {
    const report = await this.#withRetries('precheck', ctx.signal, () => inTransaction(this.#provider, DbRole.Verify, ctx.signal, async (session) => {
      // A version that cannot be read (no schema, no grant) is a target that is not ready, as ever.
      const version = await schemaVersionOf(session).catch(() => 0);
      assertSchemaVersion(version, LATEST_SCHEMA_VERSION);
      const { rows } = await session.query<{ db: string }>('SELECT current_database() AS db');
      return freezeResult({ target: `postgres database ${rows[0]?.db ?? '?'}, cutter schema v${version}`, simulated: false });
    }, { readOnly: true }));
    // A backup that could not be taken safely (a folder others may read, a recipient gpg cannot encrypt to) refuses
    // the run now, before anyone approves it, rather than after SG_1.
    await this.#backupRunner.check?.(ctx.signal);
    return report;
  }

  protected runPreWriteBackup(ctx: ExecutionContext): Promise<BackupResult> {
    return this.#phase(ctx, 'preWriteBackup', DbRole.Exec, async (session) => {
      const result = await this.#backupRunner.take({ runId: ctx.runId, changeSetId: ctx.changeSet.changeSetId, session, ...(ctx.signal === undefined ? {} : { signal: ctx.signal }) });
      if (!result.verified) throw new StopInvariantFailed('preWriteBackup', { reason: `backup ${result.backupId} could not be verified` });
      return result;
    });
  }

  protected runCutLegA(ctx: ExecutionContext, rows: readonly IURow[]): Promise<readonly IUCreateResult[]> {
    return this.#phase<readonly IUCreateResult[]>(
      ctx,
      'cutLegA',
      DbRole.Exec,
      (session) => cutRows(session, ctx, rows, this.#chunkSize, this.#progress('cutLegA', rows.length)),
      {
        // A committed cut is recorded as a count and rebuilt from the table on replay, not stored twice.
        record: (results) => ({ created: results.length }),
        replay: async (session) => Object.freeze((await createdRowsOf(session, ctx.changeSet.changeSetId)).map((r) => freezeResult({ ...r, status: 'created' as const, simulated: false }))),
      },
      rows,
    );
  }

  /** Fingerprints the plan's addresses when the change set is pinned (read-only, as cutter_verify). */
  fingerprintTarget(ctx: { readonly runId: string; readonly signal?: AbortSignal }, addresses: readonly string[]): Promise<{ fingerprint: string; at: string }> {
    return inTransaction(this.#provider, DbRole.Verify, ctx.signal, (session) => targetFingerprint(session, addresses), { readOnly: true });
  }

  /**
   * Planning: pins the plan in the target (its rows, hashed as they stream, and the target's fingerprint), one
   * transaction as cutter_exec, so the cut inserts the rows server-side. A pin this run already made is returned as it
   * is if it is of this plan. Writes only Cutter's own pin tables, never an IU, so it needs no kill switch or lease.
   */
  pinPlan(ctx: { readonly runId: string; readonly signal?: AbortSignal }, plan: Cutplan, expectedPlanHash: string | null): Promise<PinnedPlan> {
    return this.#withRetries('planning', ctx.signal, () => inTransaction(this.#provider, DbRole.Exec, ctx.signal, async (session) => {
      const pinned = await findPin(session, ctx.runId);
      if (pinned !== undefined) {
        const planHash = planHashOf(plan);
        if (pinned.planHash !== planHash) throw new PlanPinMismatch(pinned.planHash, planHash);
      }
      const progress = this.#progress('planning', plan.rows.length);
      if (pinned === undefined) progress(0);
      const pin = pinned ?? await pinPlan(session, ctx.runId, plan, this.#chunkSize, progress);
      if (expectedPlanHash !== null && expectedPlanHash !== pin.planHash) throw new PlanPinMismatch(expectedPlanHash, pin.planHash);
      if (pinned === undefined) progress(plan.rows.length, true);
      return pin;
    }), plan.rows);
  }

  findPinnedPlan(ctx: { readonly runId: string; readonly signal?: AbortSignal }): Promise<PinnedPlan | undefined> {
    return inTransaction(this.#provider, DbRole.Verify, ctx.signal, (session) => findPin(session, ctx.runId), { readOnly: true });
  }

  /** The cut of a pinned plan known by its facts: as cutLegA from the pin, reporting counts (see cutPinnedPlan). */
  cutPinned(ctx: ExecutionContext, facts: PinnedPlanFacts): Promise<CutSummary> {
    this.assertLiveAllowed('cutLegA');
    return this.#phase<CutSummary>(ctx, 'cutLegA', DbRole.Exec, (session) => cutPinnedPlan(session, ctx, facts, this.#chunkSize, this.#progress('cutLegA', facts.writtenCount)), {
      // Recorded as cutLegA records a cut of rows (a count), so either path replays the other's record.
      record: (summary) => ({ created: summary.created }),
      replay: (_session, recorded) => Promise.resolve(freezeResult({ changeSetId: ctx.changeSet.changeSetId, created: (recorded as { created: number }).created, simulated: false })),
    });
  }

  /** Enactment of a pinned plan known by its facts, the addresses read from the pin server-side (see enactPinnedPlan). */
  enactPinned(ctx: ExecutionContext, reviewDecisionId: string, facts: PinnedPlanFacts): Promise<EnactSummary> {
    this.assertLiveAllowed('lifecycleEnact');
    return this.#phase<EnactSummary>(ctx, 'lifecycleEnact', DbRole.Exec,
      (session) => enactPinnedPlan(session, ctx, reviewDecisionId, facts, this.#chunkSize, this.#progress('lifecycleEnact', facts.writtenCount)),
      // A record of either path holds the counts (an enactment of rows records its list as a count too).
      { record: (summary) => summary, replay: (_session, recorded) => Promise.resolve(freezeResult({ retiredCount: 0, ...(recorded as EnactSummary) })) });
  }

  protected runLegBRecord(ctx: ExecutionContext): Promise<LegBResult> {
    return this.#phase(ctx, 'legBRecord', DbRole.Exec, async (session) => {
      const { count, digest } = await changeSetDigest(session, ctx.changeSet.changeSetId);
      // A revert run's change set is recorded as the revert of the change set it undoes, linked to it.
      const reverts = ctx.changeSet.reverts;
      const { seq, recordHash } = await appendLedger(session, {
        kind: reverts === undefined ? 'change-set' : 'revert',
        changeSetId: ctx.changeSet.changeSetId,
        payload: { runId: ctx.runId, planHash: ctx.changeSet.planHash, rowCount: count, contentDigest: digest, ...(reverts === undefined ? {} : { reverts }) },
      });
      return freezeResult({ changeSetId: ctx.changeSet.changeSetId, ledgerEntryId: String(seq), recordHash, simulated: false });
    });
  }

  protected runVerifyResultCountFor(ctx: ExecutionContext): Promise<number> {
    return inTransaction(this.#provider, DbRole.Verify, ctx.signal, (session) => changeSetCount(session, ctx.changeSet.changeSetId), { readOnly: true });
  }

  protected runWriteVerify(ctx: ExecutionContext, expected: VerifyExpectation): Promise<VerifyResult> {
    return this.#phase(ctx, 'writeVerify', DbRole.Verify, async (session) => {
      // The database computes what it holds and records the comparison itself: a verification cannot be claimed.
      const actual = await recordVerification(session, ctx.runId, ctx.changeSet.changeSetId, expected);
      return freezeResult({
        changeSetId: ctx.changeSet.changeSetId,
        ok: actual.ok,
        expectedCount: expected.count,
        actualCount: actual.count,
        expectedDigest: expected.digest,
        actualDigest: actual.digest,
        simulated: false,
      });
    });
  }

  protected runLifecycleEnact(ctx: ExecutionContext, request: EnactRequest): Promise<EnactBatchResult> {
    return this.#phase<EnactBatchResult>(ctx, 'lifecycleEnact', DbRole.Exec,
      (session) => enactChangeSet(session, ctx, request, this.#chunkSize, this.#progress('lifecycleEnact', request.addresses.length)),
      { record: (result) => ({ ...result, enacted: result.enacted.length }), replay: (session, recorded) => replayEnactment(session, ctx, recorded) });
  }

  protected runCompensateChangeSet(ctx: ExecutionContext): Promise<CompensationResult> {
    return this.#phase(ctx, 'compensateChangeSet', DbRole.Exec, (session) => compensateChangeSet(session, ctx));
  }
}
