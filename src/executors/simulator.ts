import { contentDigestOf } from '../domain/change-set.js';
import { writesVersion, type IURow } from '../domain/iu.js';
import { Mode } from '../domain/mode.js';
import {
  freezeResult,
  type BackupResult,
  type CompensationResult,
  type EnactBatchResult,
  type IUCreateResult,
  type LegBResult,
  type VerifyResult,
} from '../domain/results.js';
import { sha256Hex } from '../domain/hashing.js';
import type { EnactRequest, ExecutionContext, Executor, PrecheckReport, VerifyExpectation } from './executor.js';

/** What the simulator would have written for one change set. */
interface SimulatedChangeSet {
  readonly created: readonly IUCreateResult[];
  enacted: number;
  retired: number;
  ledgerRecorded: boolean;
}

/** What the target holds at one address, as planning read it (see `classifyPlan`): the simulator predicts from it. */
export interface SimulatedAddress {
  readonly latestVersion: number;
  readonly enactedVersion: number | null;
}

/**
 * The DRYRUN executor: answers every phase as the live adapter would, with the same result types marked
 * `simulated: true`, and writes nothing anywhere. It remembers, per change set, what it would have written, so that
 * verification and compensation report on the same simulated state.
 *
 * `target` (what planning read at the plan's addresses: the newest version and the enacted one) makes the prediction
 * exact: the versions the cut creates, the enacted versions enactment supersedes, the ones it retires, as a LIVE run
 * on the same target does them. Without it the target is taken as empty.
 */
export class DryRunSimulator implements Executor {
  readonly mode = Mode.DryRun;
  readonly name = 'dryrun-simulator';
  readonly #target: ReadonlyMap<string, SimulatedAddress>;
  readonly #byChangeSet = new Map<string, SimulatedChangeSet>();

  constructor(options: { target?: ReadonlyMap<string, SimulatedAddress> } = {}) {
    this.#target = options.target ?? new Map();
  }

  #nextVersion(address: string): number {
    return (this.#target.get(address)?.latestVersion ?? 0) + 1;
  }

  /** What this simulator would have created for a change set, for reports ("what a LIVE run would write"). */
  simulatedWrites(changeSetId: string): readonly IUCreateResult[] {
    return this.#byChangeSet.get(changeSetId)?.created ?? [];
  }

  precheck(): Promise<PrecheckReport> {
    return Promise.resolve(freezeResult({ target: '(simulated: no target is read)', simulated: true }));
  }

  preWriteBackup(ctx: ExecutionContext): Promise<BackupResult> {
    return Promise.resolve(
      freezeResult({
        backupId: `simulated-backup-${ctx.runId}`,
        location: '(simulated: no backup taken)',
        sha256: sha256Hex(`simulated:${ctx.changeSet.changeSetId}`),
        bytes: 0,
        verified: true,
        takenAt: new Date().toISOString(),
        simulated: true,
      }),
    );
  }

  cutLegA(ctx: ExecutionContext, rows: readonly IURow[]): Promise<readonly IUCreateResult[]> {
    // A retirement writes no version: it is done at enactment.
    const created = rows.filter(writesVersion).map((row) =>
      freezeResult({
        address: row.address,
        version: this.#nextVersion(row.address),
        status: 'created' as const,
        contentHash: row.contentHash,
        simulated: true,
      }),
    );
    this.#byChangeSet.set(ctx.changeSet.changeSetId, { created, enacted: 0, retired: 0, ledgerRecorded: false });
    return Promise.resolve(Object.freeze(created));
  }

  legBRecord(ctx: ExecutionContext): Promise<LegBResult> {
    const state = this.#byChangeSet.get(ctx.changeSet.changeSetId);
    if (state !== undefined) state.ledgerRecorded = true;
    return Promise.resolve(
      freezeResult({
        changeSetId: ctx.changeSet.changeSetId,
        ledgerEntryId: `simulated-ledger-${ctx.runId}`,
        recordHash: sha256Hex(`ledger:${ctx.changeSet.changeSetId}:${ctx.changeSet.planHash}`),
        simulated: true,
      }),
    );
  }

  verifyResultCountFor(ctx: ExecutionContext): Promise<number> {
    return Promise.resolve(this.#byChangeSet.get(ctx.changeSet.changeSetId)?.created.length ?? ctx.changeSet.rowCount);
  }

  writeVerify(ctx: ExecutionContext, expected: VerifyExpectation): Promise<VerifyResult> {
    const state = this.#byChangeSet.get(ctx.changeSet.changeSetId);
    if (state === undefined) {
      // A DRYRUN run restored in another process: this simulator did not see the cut, and simulates reading back
      // exactly what the plan says the cut wrote.
      return Promise.resolve(freezeResult({ changeSetId: ctx.changeSet.changeSetId, ok: true, expectedCount: expected.count, actualCount: expected.count, expectedDigest: expected.digest, actualDigest: expected.digest, simulated: true }));
    }
    const created = state.created;
    const actualDigest = contentDigestOf(created);
    return Promise.resolve(
      freezeResult({
        changeSetId: ctx.changeSet.changeSetId,
        ok: created.length === expected.count && actualDigest === expected.digest,
        expectedCount: expected.count,
        actualCount: created.length,
        expectedDigest: expected.digest,
        actualDigest,
        simulated: true,
      }),
    );
  }

  lifecycleEnact(ctx: ExecutionContext, request: EnactRequest): Promise<EnactBatchResult> {
    const state = this.#byChangeSet.get(ctx.changeSet.changeSetId);
    // Without a remembered cut (restored elsewhere), every address is taken as cut at its next version.
    const versions = new Map(
      state === undefined
        ? request.addresses.map((a) => [a, this.#nextVersion(a)] as const)
        : state.created.map((r) => [r.address, r.version] as const),
    );
    const enacted = request.addresses.map((address) => {
      const version = versions.get(address);
      return version === undefined
        ? { address, version: 0, status: 'not-found' as const }
        : { address, version, status: 'enacted' as const };
    });
    // An enacted version is superseded where the address has one; a retirement retires the enacted version.
    const superseded = request.addresses.filter((a) => (this.#target.get(a)?.enactedVersion ?? null) !== null).length;
    const retired = (request.retire ?? []).length;
    if (state !== undefined) {
      state.enacted = enacted.filter((e) => e.status === 'enacted').length;
      state.retired = retired;
    }
    return Promise.resolve(
      freezeResult({
        changeSetId: ctx.changeSet.changeSetId,
        reviewDecisionId: request.reviewDecisionId,
        enacted,
        supersededCount: superseded,
        retiredCount: retired,
        // One log row per draft → enacted change, per enacted → superseded change, and per retirement.
        lifecycleLogRows: enacted.length + superseded + retired,
        simulated: true,
      }),
    );
  }

  compensateChangeSet(ctx: ExecutionContext): Promise<CompensationResult> {
    const state = this.#byChangeSet.get(ctx.changeSet.changeSetId);
    const created = state?.created ?? [];
    const enactedCount = state?.enacted ?? 0;
    const actions = created.map((r) =>
      enactedCount > 0 ? `retire ${r.address} v${r.version}` : `remove draft ${r.address} v${r.version}`,
    );
    if (enactedCount > 0) {
      for (const r of created) {
        const before = this.#target.get(r.address)?.enactedVersion ?? null;
        if (before !== null) actions.push(`re-enact ${r.address} v${before}`);
      }
    }
    if (state?.ledgerRecorded === true) actions.push(`record the revert of ${ctx.changeSet.changeSetId} in the ledger`);
    return Promise.resolve(
      freezeResult({
        changeSetId: ctx.changeSet.changeSetId,
        removedDrafts: enactedCount > 0 ? 0 : created.length,
        retired: enactedCount > 0 ? created.length : 0,
        reEnacted: enactedCount > 0 ? created.filter((r) => (this.#target.get(r.address)?.enactedVersion ?? null) !== null).length : 0,
        restored: enactedCount > 0 ? (state?.retired ?? 0) : 0,
        actions,
        simulated: true,
      }),
    );
  }
}
