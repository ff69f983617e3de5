import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DefaultPath, makeOutputFolder } from '../../config/cutter-folder.js';
import { BackupNotFound, InvalidInput, RestoreStep } from '../../errors/index.js';
import { PRIVATE_FOLDER_MODE } from '../../postgres/backups/private-files.js';
import { restoreBackup } from '../../postgres/backups/restore-backup.js';
import { restoreStep } from '../../postgres/backups/restore-step.js';
import { maskDsn } from '../../postgres/providers/mask-dsn.js';
import { createScratchDatabase, createScratchFolder, openIntoDestination, type RestoreDestination } from '../../postgres/backups/restore-destination.js';
import { assertSchemaVersion } from '../../postgres/errors.js';
import { LATEST_SCHEMA_VERSION, schemaVersionOf } from '../../postgres/migrations/index.js';
import { openTarget, type OpenTarget, type TargetConfig } from '../../postgres/open-target.js';
import { findBackup, listBackups } from '../../postgres/sql/backups.js';
import { printBackupList, printRestore } from '../backup-lines.js';
import { ExitCode } from '../exit-codes.js';
import { targetFromOptions, withTargetOptions, type TargetOptions, type TargetUse } from '../target-options.js';
import type { Terminal } from '../terminal.js';

interface RestoreOptions extends TargetOptions {
  readonly into?: string;
  readonly confirmTarget?: string;
  readonly as?: string;
  readonly reason?: string;
  readonly json: boolean;
}

/** Opens the target a backup command reads, at the schema this build needs (backups carry host and content checksum since v12). */
async function withSourceTarget<T>(options: TargetOptions, work: (target: OpenTarget, config: TargetConfig) => Promise<T>, use: TargetUse = 'write'): Promise<T> {
  const config = targetFromOptions(options, process.env, use);
  const target = await openTarget(config);
  try {
    assertSchemaVersion(await target.admin(schemaVersionOf), LATEST_SCHEMA_VERSION);
    return await work(target, config);
  } finally {
    await target.close();
  }
}

/**
 * The scratch a restore creates when `--into` is not given: a database on the target's server, or an embedded one in
 * `.cutter/restores/` of the working folder (made with `.cutter/.gitignore` first, like every file the CLI writes there).
 */
async function createScratch(config: TargetConfig, backupId: string): Promise<RestoreDestination> {
  if (config.kind === 'embedded') {
    const parent = resolve(DefaultPath.restores);
    await makeOutputFolder(parent, PRIVATE_FOLDER_MODE);
    return createScratchFolder(parent, backupId);
  }
  return restoreStep(RestoreStep.CreateDatabase, { backupId, destination: `a new database beside ${maskDsn(config.dsn)}` }, () => createScratchDatabase(config.dsn, backupId));
}

/** Registers `cutter backup list` and `cutter backup restore`. */
export function registerBackup(program: Command, terminal: Terminal, setExit: (code: ExitCode) => void): void {
  const backup = program.command('backup').description('the pre-write backups of LIVE runs: list them, restore one');
  withTargetOptions(
    backup.command('list').description('every backup recorded in the target, oldest first: id, run, change set, kind, location, host, bytes, rows, sha256, when (read-only)'),
  )
    .option('--json', 'print JSON', false)
    .action(async (options: TargetOptions & { json: boolean }) => {
      const backups = await withSourceTarget(options, (target) => target.admin(listBackups), 'read');
      if (options.json) terminal.line(JSON.stringify(backups, null, 2));
      else printBackupList(backups, terminal);
      setExit(ExitCode.Ok);
    });

  withTargetOptions(
    backup
      .command('restore')
      .description('restore a backup into a scratch database (the default: created and named in the output), or into --into; verify it against the rows and checksums the backup recorded; record the restore in the target\'s ledger')
      .argument('<backup>', 'the backup id (cutter backup list)'),
  )
    .option('--into <dsn or folder>', 'restore here instead of a new scratch database: a PostgreSQL DSN, or a folder for an embedded database')
    .option('--confirm-target <name>', 'needed when --into is the backed-up target itself: its database (or folder) name, typed out')
    .option('--as <name>', 'who restores (recorded in the ledger; default: your login name)')
    .option('--reason <text>', 'why (recorded in the ledger)')
    .option('--json', 'print the result as JSON', false)
    .action(async (backupId: string, options: RestoreOptions) => {
      if (options.confirmTarget !== undefined && options.into === undefined) throw new InvalidInput('confirm-target', '--confirm-target confirms --into naming the target itself; without --into the restore goes to a new scratch database');
      const by = options.as ?? userInfo().username;
      if (by.trim() === '') throw new InvalidInput('as', '--as must name who restores');
      const report = await withSourceTarget(options, async (target, config) => {
        // Found first, so that a mistyped id creates no scratch database.
        if ((await target.admin((s) => findBackup(s, backupId))) === undefined) throw new BackupNotFound(backupId);
        const into = options.into === undefined ? await createScratch(config, backupId) : await openIntoDestination(options.into, { config, target });
        try {
          const result = await restoreBackup({
            source: { admin: (work) => target.admin(work), dsn: config.kind === 'postgres' ? config.dsn : null },
            backupId, into, by,
            ...(options.confirmTarget === undefined ? {} : { confirmedName: options.confirmTarget }),
            ...(options.reason === undefined ? {} : { reason: options.reason }),
          });
          await into.close();
          return result;
        } catch (error) {
          await (into.discard !== undefined ? into.discard() : into.close()).catch(() => undefined);
          throw error;
        }
      });
      if (options.json) terminal.line(JSON.stringify(report, null, 2));
      else printRestore(report, options.into === undefined, terminal);
      setExit(ExitCode.Ok);
    });
}
