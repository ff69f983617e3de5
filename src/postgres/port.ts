import type { DbRole } from './migrations/003-roles.js';

export { DbRole } from './migrations/003-roles.js';

/** The rows of one statement. */
export interface QueryResult<R> {
  readonly rows: R[];
  readonly rowCount: number;
}

/**
 * The narrow database port the adapter needs, which both `pg` and PGlite satisfy: the adapter's SQL is the same on
 * both. A session is one connection, acting as one role, used by one phase at a time.
 */
export interface DbSession {
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Runs a script of several statements (no parameters): migrations. */
  exec(script: string): Promise<void>;
  /**
   * Loads rows into `table` with COPY, in this session's transaction: each chunk is COPY text format (tab-separated,
   * escaped with {@link copyTextLine}, one line per row). Optional: without it, callers stage rows by INSERT.
   */
  copyRows?(table: string, columns: readonly string[], chunks: Iterable<string> | AsyncIterable<string>): Promise<void>;
  /** Cancels the statement running on this session, if the driver can (used when a run's phase is aborted). */
  cancel(): Promise<void>;
  /** Returns the connection; `broken` asks the provider to discard it rather than reuse it. */
  release(broken?: boolean): Promise<void>;
}

/**
 * Gives a session acting as `role`. Injected into the adapter, which never connects on its own and never sees a DSN.
 */
export type ConnectionProvider = (role: DbRole) => Promise<DbSession>;
