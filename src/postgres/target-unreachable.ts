import { CutterError, ErrorCode } from '../errors/index.js';

/** Why a connection to the target could not be made, each with its own fix. */
export type UnreachableReason = 'refused' | 'host-unknown' | 'timeout' | 'no-database' | 'no-role' | 'auth-failed' | 'reset';

/** How long a connection attempt may take before it is given up (Default: 10 s). A silent server must not hang a command. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

const FIX: Readonly<Record<UnreachableReason, string>> = {
  'refused': 'Nothing accepts connections at that host and port: start PostgreSQL there, or correct the host and port in --database-url ($CUTTER_DATABASE_URL).',
  'host-unknown': 'The host name does not resolve: correct the host in --database-url ($CUTTER_DATABASE_URL).',
  'timeout': 'The server accepted the connection but did not answer in time: check that it is PostgreSQL and not overloaded, or that a firewall or proxy does not hold the connection; a slow network may need a longer $CUTTER_CONNECT_TIMEOUT (seconds).',
  'no-database': 'Create the database (createdb <name>) and run `cutter init` on it, or correct the database name in --database-url ($CUTTER_DATABASE_URL).',
  'no-role': 'Create the login role (CREATE ROLE <name> LOGIN) or correct the user in --database-url ($CUTTER_DATABASE_URL).',
  'auth-failed': 'The server refused the credentials: correct the user or password in --database-url ($CUTTER_DATABASE_URL), or the server\'s pg_hba.conf.',
  'reset': 'The server closed the connection while it was being made: check that the port is PostgreSQL\'s and that the server accepts this client (pg_hba.conf, SSL).',
};

/**
 * A connection to the target could not be made: nothing listens there, the host does not resolve, the server did not
 * answer in time, or it refused the database, the role or the credentials. Nothing was read or written. Its code is
 * `E_TARGET_UNAVAILABLE`, as for a target that dropped a phase's connection; `reason` says which, and the hint how to
 * fix it.
 */
export class TargetUnreachable extends CutterError {
  readonly code = ErrorCode.TargetUnavailable;
  readonly hint: string;
  readonly reason: UnreachableReason;

  constructor(target: string, reason: UnreachableReason, cause: unknown) {
    super(`cannot connect to ${target}: ${cause instanceof Error && cause.message !== '' ? cause.message : reason}`, { cause });
    this.reason = reason;
    this.hint = FIX[reason];
  }
}

/**
 * The server completed the login but did not answer a first query in time (a proxy holding the connection, a server
 * that hangs): a connection that cannot serve anything, so connecting timed out. `code` reads as a timeout.
 */
export class NoAnswer extends Error {
  readonly code = 'ETIMEDOUT';

  constructor(timeoutMs: number) {
    super(`the server completed the login but did not answer a query within ${timeoutMs / 1000} s`);
    this.name = 'NoAnswer';
  }
}

/** Why a connection attempt failed, or undefined for an error that is not about connecting. */
export function unreachableReasonOf(error: unknown): UnreachableReason | undefined {
  for (let current: unknown = error, depth = 0; current !== null && typeof current === 'object' && depth < 10; depth++) {
    const code = (current as { code?: unknown }).code;
    const message = current instanceof Error ? current.message : '';
    if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'refused';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host-unknown';
    if (code === 'ETIMEDOUT' || /connection timeout|timeout expired/i.test(message)) return 'timeout';
    if (code === '3D000') return 'no-database';
    if (code === '28000' && /role .* does not exist/i.test(message)) return 'no-role';
    if (code === '28000' || code === '28P01') return 'auth-failed';
    if (code === 'ECONNRESET' || /Connection terminated unexpectedly/i.test(message)) return 'reset';
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** `connect()`, with a failure to connect named ({@link TargetUnreachable}, naming `target` without its password). */
export async function connectOrExplain<T>(target: string, connect: () => Promise<T>): Promise<T> {
  try {
    return await connect();
  } catch (error) {
    const reason = unreachableReasonOf(error);
    throw reason === undefined ? error : new TargetUnreachable(target, reason, error);
  }
}
