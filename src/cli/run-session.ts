import { loadConfig, type CutterConfig } from '../config/config.js';
import { insideCutterFolder, makeOutputFolder } from '../config/cutter-folder.js';
import { Mode } from '../domain/mode.js';
import { InvalidInput } from '../errors/index.js';
import type { Executor } from '../executors/executor.js';
import { DryRunSimulator, type SimulatedAddress } from '../executors/simulator.js';
import { EnvKillSwitch, type KillSwitch } from '../kill-switch/index.js';
import type { BackupRunner } from '../postgres/backups/backup-runner.js';
import { createPgDumpBackupRunner } from '../postgres/backups/pg-dump-runner.js';
import { snapshotBackupRunner } from '../postgres/backups/snapshot-runner.js';
import { assertSchemaVersion } from '../postgres/errors.js';
import { LATEST_SCHEMA_VERSION, schemaVersionOf } from '../postgres/migrations/index.js';
import { openTarget, type OpenTarget, type TargetConfig } from '../postgres/open-target.js';
import { PostgresLiveExecutionAdapter } from '../postgres/postgres-adapter.js';
import { PostgresRunStore } from '../postgres/run-store.js';
import type { ApprovalPolicy } from '../approvals/index.js';
import type { Logger } from '../logging/logger.js';
import { cliLogger } from './cli-logger.js';
import { stderrProgress } from './progress-printer.js';
import { targetFromOptions, type TargetOptions, type TargetUse } from './target-options.js';

export interface SessionOptions extends TargetOptions {
  readonly config?: string;
}

/** What a run command works with: the target, its run store, the configuration, and executors per mode. */
export interface RunSession {
  readonly target: OpenTarget;
  readonly store: PostgresRunStore;
  readonly config: CutterConfig;
  readonly policy: ApprovalPolicy;
  /** The CLI's in-process kill switch: $CUTTER_EXECUTION_ENABLED, read at every call (the database row is the other). */
  readonly killSwitch: KillSwitch;
  /** The command's logger (level and format from --log-level/--log-format or the environment). */
  readonly logger: Logger;
  /** The executor of `mode`; a DRYRUN predicts from `target`, what the target holds at the plan's addresses. */
  executorFor(mode: Mode, target?: ReadonlyMap<string, SimulatedAddress>): Executor;
}

/**
 * The pre-write backup the configuration names, built only when a LIVE executor is: a read-only command (status,
 * list, a DRYRUN) needs only what it reads, so a pg_dump backup on the embedded target does not stop it.
 */
function backupRunnerFor(config: CutterConfig, targetConfig: TargetConfig): BackupRunner {
  if (config.backup.kind === 'snapshot') return snapshotBackupRunner;
  if (targetConfig.kind !== 'postgres') throw new InvalidInput('backup.kind', 'pg_dump needs a PostgreSQL target; use "snapshot" for the embedded database');
  const { directory, gpgRecipient } = config.backup;
  const runner = createPgDumpBackupRunner({ dsn: targetConfig.dsn, directory, ...(gpgRecipient === undefined ? {} : { gpgRecipient }) });
  if (!insideCutterFolder(directory)) return runner;
  // Dumps in .cutter/ (the default folder) must be ignored by git before the first one is written there.
  return { ...runner, take: async (request) => { await makeOutputFolder(directory, 0o700); return runner.take(request); } };
}

/**
 * Opens the target and configuration for one command, and closes the target afterwards. `use`: `read` for a command
 * that only reads (its statements are bounded by $CUTTER_QUERY_TIMEOUT), else `write`.
 */
export async function withRunSession<T>(options: SessionOptions, work: (session: RunSession) => Promise<T>, use: TargetUse = 'write'): Promise<T> {
  const config = await loadConfig(options.config);
  const targetConfig = targetFromOptions(options, process.env, use);
  const target = await openTarget(targetConfig);
  try {
    // Every run command reads the run store: say "run cutter init" rather than fail on a missing table.
    const version = await target.admin((s) => schemaVersionOf(s));
    assertSchemaVersion(version, LATEST_SCHEMA_VERSION);
    const killSwitch = new EnvKillSwitch();
    return await work({
      target,
      store: new PostgresRunStore((w) => target.admin(w)),
      config,
      policy: config.approvalPolicy,
      killSwitch,
      logger: cliLogger(),
      executorFor: (mode, state) =>
        mode === Mode.Live
          ? new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: target.provider, backupRunner: backupRunnerFor(config, targetConfig), leaseSeconds: config.leaseSeconds, onProgress: stderrProgress() })
          : new DryRunSimulator(state === undefined ? {} : { target: state }),
    });
  } finally {
    await target.close();
  }
}
