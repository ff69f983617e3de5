import { contentDigestOf } from '../domain/change-set.js';
import type { IURow } from '../domain/iu.js';
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
import type { ExecutionContext, Executor, PrecheckReport, VerifyExpectation } from './executor.js';

/** What the simulator would have written for one change set. */
interface SimulatedChangeSet {
  readonly created: readonly IUCreateResult[];
  enacted: number;
  ledgerRecorded: boolean;
}

/**
 * The DRYRUN executor: answers every phase as the live adapter would, with the same result types marked
 * `simulated: true`, and writes nothing anywhere. It remembers, per change set, what it would have written, so that
 * verification and compensation report on the same simulated state.
 *
 * `currentVersions` (address → latest version in the target), when given, makes the simulated versions match what a
 * LIVE run would create.
 */
export class DryRunSimulator implements Executor {
  readonly mode = Mode.DryRun;
  readonly name = 'dryrun-simulator';
  readonly #currentVersions: ReadonlyMap<string, number>;
  readonly #byChangeSet = new Map<string, SimulatedChangeSet>();

  constructor(options: { currentVersions?: ReadonlyMap<string, number> } = {}) {
    this.#currentVersions = options.currentVersions ?? new Map();
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
    const created = rows.map((row) =>
      freezeResult({
        address: row.address,
        version: (this.#currentVersions.get(row.address) ?? 0) + 1,
        status: 'created' as const,
        contentHash: row.contentHash,
        simulated: true,
      }),
    );
    this.#byChangeSet.set(ctx.changeSet.changeSetId, { created, enacted: 0, ledgerRecorded: false });
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

  lifecycleEnact(
    ctx: ExecutionContext,
    request: { addresses: readonly string[]; reviewDecisionId: string },
  ): Promise<EnactBatchResult> {
    const state = this.#byChangeSet.get(ctx.changeSet.changeSetId);
    // Without a remembered cut (restored elsewhere), every address is taken as cut at its next version.
    const versions = new Map(
      state === undefined
        ? request.addresses.map((a) => [a, (this.#currentVersions.get(a) ?? 0) + 1] as const)
        : state.created.map((r) => [r.address, r.version] as const),
    );
    const enacted = request.addresses.map((address) => {
      const version = versions.get(address);
      return version === undefined
        ? { address, version: 0, status: 'not-found' as const }
        : { address, version, status: 'enacted' as const };
    });
    const superseded = request.addresses.filter((a) => (this.#currentVersions.get(a) ?? 0) > 0).length;
    if (state !== undefined) state.enacted = enacted.filter((e) => e.status === 'enacted').length;
    return Promise.resolve(
      freezeResult({
        changeSetId: ctx.changeSet.changeSetId,
        reviewDecisionId: request.reviewDecisionId,
        enacted,
        supersededCount: superseded,
        // One log row per draft → enacted change, one per enacted → superseded change.
        lifecycleLogRows: enacted.length + superseded,
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
      for (const r of created) if (r.version > 1) actions.push(`re-enact ${r.address} v${r.version - 1}`);
    }
    if (state?.ledgerRecorded === true) actions.push(`record the revert of ${ctx.changeSet.changeSetId} in the ledger`);
    return Promise.resolve(
      freezeResult({
        changeSetId: ctx.changeSet.changeSetId,
        removedDrafts: enactedCount > 0 ? 0 : created.length,
        retired: enactedCount > 0 ? created.length : 0,
        reEnacted: enactedCount > 0 ? created.filter((r) => r.version > 1).length : 0,
        actions,
        simulated: true,
      }),
    );
  }
}
