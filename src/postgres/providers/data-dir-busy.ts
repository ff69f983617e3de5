import { hostname } from 'node:os';
import { join } from 'node:path';
import { CutterError, ErrorCode } from '../../errors/index.js';
import { describeHolder, LOCK_FILE, type DataDirHolder } from './data-dir-holder.js';

/**
 * Another process has the embedded database's folder open. PGlite cannot share a folder between processes (two
 * instances on one folder lose and corrupt data), so one process at a time opens it, read-only commands included.
 * Its code is `E_TARGET_BUSY`, the target being busy, as for a LIVE run's lease (`TargetBusy`); but this is a
 * process's hold on a folder, held until that process closes it or is gone, met before anything is opened: it never
 * reaches a run, so a run never halts on it.
 */
export class DataDirBusy extends CutterError {
  readonly code = ErrorCode.TargetBusy;
  readonly hint: string;
  readonly dataDir: string;
  /** Who has it open; null when the lock file names no process (written by hand, or damaged). */
  readonly holder: DataDirHolder | null;

  constructor(dataDir: string, holder: DataDirHolder | null, waitedMs = 0) {
    super(`the embedded database in ${dataDir} is busy: it is open in ${describeHolder(holder)}${waitedMs > 0 ? `; waited ${Number((waitedMs / 1000).toFixed(1))} s` : ''}`);
    this.dataDir = dataDir;
    this.holder = holder;
    const lockFile = join(dataDir, LOCK_FILE);
    // A holder on this host was found running (a gone one is taken over by itself); one elsewhere cannot be checked from here.
    this.hint = holder === null
      ? `Make sure no process has the folder open, then delete ${lockFile}.`
      : holder.host === hostname()
        ? `One process at a time opens an embedded database: wait for that command to finish, or give --wait [seconds]. Only if pid ${holder.pid} is no Cutter process (its pid was reused after a crash) delete ${lockFile}.`
        : `It was opened from ${holder.host}, which this host cannot check: once pid ${holder.pid} there is gone, delete ${lockFile}.`;
  }
}
