import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InvalidInput } from '../errors/index.js';
import type { TargetConfig } from '../postgres/open-target.js';
import { describeHolder } from '../postgres/providers/data-dir-holder.js';

/** The environment variable naming a PostgreSQL target when `--database-url` is not given. */
export const DATABASE_URL_ENV = 'CUTTER_DATABASE_URL';
/** Per-role DSNs: when both are set, each phase role logs in as itself instead of using SET ROLE. */
export const EXEC_DATABASE_URL_ENV = 'CUTTER_EXEC_DATABASE_URL';
export const VERIFY_DATABASE_URL_ENV = 'CUTTER_VERIFY_DATABASE_URL';
/** The embedded database's folder when neither is given. */
export const DEFAULT_DATA_DIR = '.cutter';

export interface TargetOptions {
  readonly databaseUrl?: string;
  readonly dataDir?: string;
  /** `--wait [seconds]`: wait for another process that has the embedded database open (run commands: or the run). */
  readonly wait?: string | boolean;
  /** The command's full name (`cutter approval request`), set before its action runs: recorded in the folder's lock. */
  readonly commandPath?: string;
}

/** `--wait` as milliseconds: absent → 0 (refuse at once), bare → 10 minutes, `--wait 30` → 30 s. */
export function waitMsOf(wait: string | boolean | undefined): number {
  if (wait === undefined || wait === false) return 0;
  if (wait === true) return 600_000;
  const seconds = Number(wait);
  if (wait.trim() === '' || !Number.isFinite(seconds) || seconds < 0) throw new InvalidInput('wait', 'must be a number of seconds, e.g. --wait 60');
  return seconds * 1000;
}

function commandPathOf(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c !== null; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Adds `--database-url`, `--data-dir` and `--wait` to a command. */
export function withTargetOptions(command: Command): Command {
  return command
    .option('--database-url <url>', `a PostgreSQL target (default: $${DATABASE_URL_ENV}, else the embedded database)`)
    .option('--data-dir <dir>', `the embedded database's folder (default: ${DEFAULT_DATA_DIR})`)
    .option('--wait [seconds]', 'if another process has the embedded database open (or, for approve, reject, cancel, resume and escalate, holds the run), wait for it (default 600 s) instead of refusing with E_TARGET_BUSY (or E_RUN_BUSY)', false)
    .hook('preAction', (_command, action) => { action.setOptionValue('commandPath', commandPathOf(action)); });
}

/** The target the options name: PostgreSQL if a URL is given (flag, then environment), else the embedded database. */
export function targetFromOptions(options: TargetOptions, env: NodeJS.ProcessEnv = process.env): TargetConfig {
  const url = options.databaseUrl ?? env[DATABASE_URL_ENV];
  if (url !== undefined && url !== '') {
    const exec = env[EXEC_DATABASE_URL_ENV];
    const verify = env[VERIFY_DATABASE_URL_ENV];
    if (exec !== undefined && exec !== '' && verify !== undefined && verify !== '') {
      return { kind: 'postgres', dsn: url, dsnByRole: { cutter_exec: exec, cutter_verify: verify } };
    }
    return { kind: 'postgres', dsn: url };
  }
  const dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  const waitMs = waitMsOf(options.wait);
  return {
    kind: 'embedded',
    dataDir,
    lock: {
      command: options.commandPath ?? 'cutter',
      waitMs,
      // The CLI says why it seems to hang; a library host gets the same through `onWait`.
      onWait: (holder) => { process.stderr.write(`waiting up to ${Math.round(waitMs / 1000)} s for the embedded database in ${dataDir}: it is open in ${describeHolder(holder)}\n`); },
    },
  };
}
