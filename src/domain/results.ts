/**
 * The value objects each executor returns. Both executors return the same types (`simulated` tells them apart), so
 * whatever follows a phase does not care which mode produced it. Each is frozen and plain JSON: it goes into the
 * run's persisted context.
 */

/** Status of one IU row after `cutLegA`: anything but `created` stops the batch. */
export type IUCreateStatus = 'created' | 'exists' | 'conflict' | 'invalid';

export interface IUCreateResult {
  readonly address: string;
  readonly version: number;
  readonly status: IUCreateStatus;
  readonly contentHash: string;
  readonly simulated: boolean;
}

export interface BackupResult {
  readonly backupId: string;
  /** Where the backup lives (a file path or an in-database snapshot name); never a credential. */
  readonly location: string;
  readonly sha256: string;
  readonly bytes: number;
  /** True only when the backup was read back and its checksum matched. */
  readonly verified: boolean;
  readonly takenAt: string;
  readonly simulated: boolean;
}

export interface LegBResult {
  readonly changeSetId: string;
  readonly ledgerEntryId: string;
  readonly recordHash: string;
  readonly simulated: boolean;
}

export interface VerifyResult {
  readonly changeSetId: string;
  readonly ok: boolean;
  readonly expectedCount: number;
  readonly actualCount: number;
  readonly expectedDigest: string;
  readonly actualDigest: string;
  readonly simulated: boolean;
}

export interface EnactedIU {
  readonly address: string;
  readonly version: number;
  readonly status: 'enacted' | 'not-found' | 'not-draft';
}

export interface EnactBatchResult {
  readonly changeSetId: string;
  readonly reviewDecisionId: string;
  readonly enacted: readonly EnactedIU[];
  /** Versions that were enacted before and are now superseded. */
  readonly supersededCount: number;
  /** Enacted versions the change set retired (addresses its sources no longer name). */
  readonly retiredCount: number;
  /** Lifecycle-log rows the status trigger wrote; enact checks there is one per status change. */
  readonly lifecycleLogRows: number;
  readonly simulated: boolean;
}

/** What undoing a change set did (or, simulated, would do). */
export interface CompensationResult {
  readonly changeSetId: string;
  readonly removedDrafts: number;
  readonly retired: number;
  readonly reEnacted: number;
  /** Versions the change set had retired, enacted again (absent in results from before retirements existed). */
  readonly restored?: number;
  /** One line per effect, for people: `retire handbook/x v2`, `re-enact handbook/x v1`. */
  readonly actions: readonly string[];
  readonly simulated: boolean;
}

/** Deep-freezes a plain value object. */
export function freezeResult<T extends object>(value: T): Readonly<T> {
  for (const inner of Object.values(value)) {
    if (inner !== null && typeof inner === 'object' && !Object.isFrozen(inner)) freezeResult(inner as object);
  }
  return Object.freeze(value);
}
