import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InvalidInput } from '../errors/index.js';
import type { TargetConfig } from '../postgres/open-target.js';
import { describeHolder } from '../postgres/providers/data-dir-holder.js';
import { writeIfOpen } from './closed-output.js';

/** The environment variable naming a PostgreSQL target when `--database-url` is not given. */
export const DATABASE_URL_ENV = 'CUTTER_DATABASE_URL';
/** Per-role DSNs: when both are set, each phase role logs in as itself instead of using SET ROLE. */
export const EXEC_DATABASE_URL_ENV = 'CUTTER_EXEC_DATABASE_URL';
export const VERIFY_DATABASE_URL_ENV = 'CUTTER_VERIFY_DATABASE_URL';
/** Seconds a connection attempt to a PostgreSQL target may take (default 10). */
export const CONNECT_TIMEOUT_ENV = 'CUTTER_CONNECT_TIMEOUT';
/** Seconds a read-only command's statement may take, and `init`'s wait for another session's lock (default 60). */
export const QUERY_TIMEOUT_ENV = 'CUTTER_QUERY_TIMEOUT';
const DEFAULT_QUERY_TIMEOUT_MS = 60_000;
/**
 * What a command does with the target, which decides how long its statements may take on PostgreSQL: `read` (status,
 * list, report, ...) bounds every statement by $CUTTER_QUERY_TIMEOUT; `init` bounds only the waits for another
 * session's locks (a migration itself may take long); `write` (a run's phases, approvals, restores) bounds nothing
 * past connecting, since a cut or a wait for the ledger's lock behind a running cut may rightly take long.
 */
export type TargetUse = 'read' | 'init' | 'write';
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

/**
 * A DSN checked before anything connects: pg would read `notaurl` as a host name and fail in DNS, and refuse a port
 * past 65535 only as "Invalid URL". The field is named as the person gave it (the flag or the variable); the value is
 * shown only when it holds no credentials.
 */
export function checkedDsn(dsn: string, field: string): string {
  const shown = dsn.includes('@') ? 'the URL' : `"${dsn}"`;
  const example = 'postgres://user@host:5432/database';
  if (dsn.startsWith('/')) return dsn; // a Unix socket folder, as pg accepts it
  let url: URL;
  try {
    url = new URL(dsn);
  } catch {
    const port = /^[a-z]+:\/\/[^/?#]*:(\d+)(?:[/?#]|$)/i.exec(dsn)?.[1];
    if (port !== undefined && Number(port) > 65535) throw new InvalidInput(field, `port ${port} is out of range (1-65535); it should look like ${example}`);
    throw new InvalidInput(field, `${shown} is not a PostgreSQL URL; it should look like ${example}`);
  }
  if (!['postgres:', 'postgresql:', 'socket:'].includes(url.protocol)) throw new InvalidInput(field, `${shown} is not a PostgreSQL URL (it must start with postgres:// or postgresql://), e.g. ${example}`);
  return dsn;
}

/** `$CUTTER_CONNECT_TIMEOUT` (seconds) as milliseconds, or undefined for the default. */
function connectTimeoutMsOf(env: NodeJS.ProcessEnv): number | undefined {
  const text = env[CONNECT_TIMEOUT_ENV];
  if (text === undefined || text === '') return undefined;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new InvalidInput(CONNECT_TIMEOUT_ENV, 'must be a positive number of seconds, e.g. 30');
  return seconds * 1000;
}

/** `$CUTTER_QUERY_TIMEOUT` (seconds) as milliseconds; the default when it is not set. */
function queryTimeoutMsOf(env: NodeJS.ProcessEnv): number {
  const text = env[QUERY_TIMEOUT_ENV];
  if (text === undefined || text === '') return DEFAULT_QUERY_TIMEOUT_MS;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new InvalidInput(QUERY_TIMEOUT_ENV, 'must be a positive number of seconds, e.g. 120');
  return seconds * 1000;
}

/** The statement bounds of a use (see {@link TargetUse}). */
function boundsOf(use: TargetUse, env: NodeJS.ProcessEnv): { statementTimeoutMs?: number; lockTimeoutMs?: number } {
  if (use === 'read') return { statementTimeoutMs: queryTimeoutMsOf(env) };
  if (use === 'init') return { lockTimeoutMs: queryTimeoutMsOf(env) };
  return {};
}

/**
 * The target the options name: PostgreSQL if a URL is given (flag, then environment), else the embedded database.
 * `use` says what the command does with it, which bounds its statements (see {@link TargetUse}).
 */
export function targetFromOptions(options: TargetOptions, env: NodeJS.ProcessEnv = process.env, use: TargetUse = 'write'): TargetConfig {
  const url = options.databaseUrl ?? env[DATABASE_URL_ENV];
  if (url !== undefined && url !== '') {
    const dsn = checkedDsn(url, options.databaseUrl === undefined ? `$${DATABASE_URL_ENV}` : 'database-url');
    const timeoutMs = connectTimeoutMsOf(env);
    const timeout = { ...(timeoutMs === undefined ? {} : { connectTimeoutMs: timeoutMs }), ...boundsOf(use, env) };
    const exec = env[EXEC_DATABASE_URL_ENV];
    const verify = env[VERIFY_DATABASE_URL_ENV];
    if (exec !== undefined && exec !== '' && verify !== undefined && verify !== '') {
      return { kind: 'postgres', dsn, dsnByRole: { cutter_exec: checkedDsn(exec, `$${EXEC_DATABASE_URL_ENV}`), cutter_verify: checkedDsn(verify, `$${VERIFY_DATABASE_URL_ENV}`) }, ...timeout };
    }
    return { kind: 'postgres', dsn, ...timeout };
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
      onWait: (holder) => { writeIfOpen(process.stderr, `waiting up to ${Math.round(waitMs / 1000)} s for the embedded database in ${dataDir}: it is open in ${describeHolder(holder)}\n`); },
    },
  };
}
