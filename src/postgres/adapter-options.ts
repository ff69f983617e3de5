import type { KillSwitch } from '../kill-switch/index.js';
import type { BackupRunner } from './backups/backup-runner.js';
import type { ConnectionProvider } from './port.js';

/** What a PostgresLiveExecutionAdapter is built with. */
export interface PostgresAdapterOptions {
  /** Read at call time by the executor lock. */
  readonly killSwitch: KillSwitch;
  /** Gives sessions per role. The default refuses: the adapter never finds credentials by itself. */
  readonly connectionProvider?: ConnectionProvider;
  /** Takes and verifies the pre-write backup. The default refuses. */
  readonly backupRunner?: BackupRunner;
  /** Rows per staged chunk (one COPY write, or one INSERT where the session cannot COPY) in a phase's transaction. */
  readonly chunkSize?: number;
  /**
   * Hears how far a writing phase is: once with `done: 0` as its writing starts, after each chunk the database has
   * written (at least every 10,000 rows), and once at the end (`finished`). It must not throw; a throw is ignored.
   * Progress of a phase that later rolls back is not taken back.
   */
  readonly onProgress?: (progress: PhaseProgress) => void;
  /** How long the target lease lasts without renewal; a crashed holder blocks the target at most this long. */
  readonly leaseSeconds?: number;
  /** Attempts per phase when the transaction fails for a transient reason (serialization, deadlock, connection). */
  readonly attempts?: number;
  readonly name?: string;
}

/** How far a writing phase is: `done` of `total` rows staged; `finished` once they are written (the last report). */
export interface PhaseProgress {
  readonly phase: string;
  readonly done: number;
  readonly total: number;
  readonly finished: boolean;
}
