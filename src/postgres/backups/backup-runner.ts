import type { BackupResult } from '../../domain/results.js';
import { CollaboratorNotConfigured } from '../../errors/index.js';
import type { DbSession } from '../port.js';

/** What a backup runner is asked for: the run, its change set, and the backup phase's own transaction. */
export interface BackupRequest {
  readonly runId: string;
  readonly changeSetId: string;
  /** The backup phase's session (acting as cutter_exec, inside its transaction). */
  readonly session: DbSession;
  readonly signal?: AbortSignal;
}

/** Takes a backup of the target and verifies it (checksum, readable) before returning. */
export interface BackupRunner {
  readonly kind: 'snapshot' | 'pg_dump';
  take(request: BackupRequest): Promise<BackupResult>;
  /**
   * Refuses, at the run's precheck (before anything is approved or written), a backup that could not be taken
   * safely: a folder others may read, a gpg recipient gpg cannot encrypt to. Optional: a runner without it has
   * nothing to check ahead.
   */
  check?(signal?: AbortSignal): Promise<void>;
}

/** The default: no backup runner was injected, so the backup phase (and with it every LIVE run) refuses. */
export const refusingBackupRunner: BackupRunner = {
  kind: 'snapshot',
  take: () => Promise.reject(new CollaboratorNotConfigured('backupRunner', 'preWriteBackup')),
};
