import { CutterError, ErrorCode } from '../errors/index.js';

/**
 * Bounds on the statements of a target's sessions. None by default: a migration, a cut, an enactment or a wait for
 * the ledger's lock behind a running cut may rightly take long (a phase is bounded by its lease and abort signal).
 * A read-only command sets them, so a lock held by another session or a server that stops answering cannot hang it.
 */
export interface StatementBounds {
  /** Milliseconds any one statement may run (PostgreSQL's statement_timeout); the client gives up a little later if the server does not answer at all. */
  readonly statementTimeoutMs?: number;
  /** Milliseconds a statement may wait for a lock another session holds (PostgreSQL's lock_timeout). */
  readonly lockTimeoutMs?: number;
}

/** The client's own limit runs this much past the server's, so a live server's cancellation (57014) comes first. */
const CLIENT_GRACE_MS = 2_000;

/** The pg pool settings for the bounds: sent at login (statement_timeout, lock_timeout), and the client's read timeout. */
export function timeoutSettings(bounds: StatementBounds): { statement_timeout?: number; query_timeout?: number; lock_timeout?: number } {
  const settings: { statement_timeout?: number; query_timeout?: number; lock_timeout?: number } = {};
  if (bounds.statementTimeoutMs !== undefined) {
    settings.statement_timeout = Math.ceil(bounds.statementTimeoutMs);
    settings.query_timeout = Math.ceil(bounds.statementTimeoutMs) + CLIENT_GRACE_MS;
  }
  if (bounds.lockTimeoutMs !== undefined) settings.lock_timeout = Math.ceil(bounds.lockTimeoutMs);
  return settings;
}

/** Which bound a statement hit: the server cancelled it (statement or lock timeout), or the client stopped waiting. */
export type BoundHit = 'statement' | 'lock' | 'answer';

/** The bound an error reports, or undefined for any other error. */
export function boundHitOf(error: unknown): BoundHit | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (code === '57014' && /statement timeout/i.test(error.message)) return 'statement';
  if (code === '55P03' && /lock timeout/i.test(error.message)) return 'lock';
  if (error.message === 'Query read timeout') return 'answer';
  return undefined;
}

const FIX: Readonly<Record<BoundHit, string>> = {
  statement: 'A read took longer than $CUTTER_QUERY_TIMEOUT allows: another session may hold a lock on Cutter\'s tables (a `cutter init` migrating, a VACUUM FULL, a LOCK TABLE; pg_stat_activity and pg_locks show who), or the server is overloaded. Try again once it is free, or give a larger $CUTTER_QUERY_TIMEOUT (seconds).',
  lock: 'Another session holds a lock on Cutter\'s tables (pg_stat_activity and pg_locks show who; often an open transaction left idle): end it, or wait for it, and run the command again. $CUTTER_QUERY_TIMEOUT (seconds) sets how long to wait.',
  answer: 'The server stopped answering: check that it is up and not overloaded, and that no proxy or firewall holds the connection; then run the command again. $CUTTER_QUERY_TIMEOUT (seconds) sets how long to wait.',
};

/**
 * A statement of a command hit its bound (see {@link StatementBounds}): the server cancelled it, or did not answer at
 * all. Nothing was written (a read-only command's statements only read; `init` rolls its migration back). The code
 * is `E_TARGET_UNAVAILABLE`: the target could not serve the command now.
 */
export class TargetQueryTimeout extends CutterError {
  readonly code = ErrorCode.TargetUnavailable;
  readonly hint: string;
  readonly statementBound: BoundHit;

  constructor(target: string, hit: BoundHit, limitMs: number | undefined, cause: unknown) {
    const within = limitMs === undefined ? '' : ` within ${limitMs / 1000} s`;
    const what = { statement: `did not finish a statement${within}`, lock: `could not take a lock${within}: another session holds it`, answer: `stopped answering: no reply to a statement${within}` }[hit];
    super(`${target} ${what} (${cause instanceof Error ? cause.message : String(cause)})`, { cause });
    this.statementBound = hit;
    this.hint = FIX[hit];
  }
}

/** `work`, with an error from a bound named ({@link TargetQueryTimeout}, naming `target`). */
export async function explainTimeouts<T>(target: string, bounds: StatementBounds, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const hit = boundHitOf(error);
    if (hit === undefined) throw error;
    const limit = hit === 'lock' ? bounds.lockTimeoutMs : bounds.statementTimeoutMs === undefined ? undefined : bounds.statementTimeoutMs + (hit === 'answer' ? CLIENT_GRACE_MS : 0);
    throw new TargetQueryTimeout(target, hit, limit, error);
  }
}
