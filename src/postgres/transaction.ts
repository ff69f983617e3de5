import type { ConnectionProvider, DbRole, DbSession } from './port.js';

/**
 * Runs `work` in one transaction on a session of `role`: BEGIN, the work, COMMIT; on any error ROLLBACK and re-raise;
 * the session is released in every case. An abort of `signal` cancels the running statement, which then fails and
 * rolls back like any other error.
 */
export async function inTransaction<T>(
  provider: ConnectionProvider,
  role: DbRole,
  signal: AbortSignal | undefined,
  work: (session: DbSession) => Promise<T>,
  options: { readOnly?: boolean } = {},
): Promise<T> {
  signal?.throwIfAborted();
  const session = await provider(role);
  const onAbort = () => { session.cancel().catch(() => undefined); };
  signal?.addEventListener('abort', onAbort, { once: true });
  let broken = false;
  try {
    await session.query(options.readOnly === true ? 'BEGIN READ ONLY' : 'BEGIN');
    try {
      const result = await work(session);
      signal?.throwIfAborted();
      await session.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await session.query('ROLLBACK');
      } catch {
        // The connection itself failed (terminated backend, network): it must not be reused.
        broken = true;
      }
      throw error;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await session.release(broken);
  }
}

/**
 * Runs `work` in one transaction on a session the caller already holds (an administrator's session): BEGIN, the
 * work, COMMIT; on any error ROLLBACK and re-raise. The session is the caller's to release. `readOnly` makes the
 * database refuse any write in it.
 */
export async function withinTransaction<T>(session: DbSession, work: () => Promise<T>, options: { readOnly?: boolean } = {}): Promise<T> {
  await session.query(options.readOnly === true ? 'BEGIN READ ONLY' : 'BEGIN');
  try {
    const result = await work();
    await session.query('COMMIT');
    return result;
  } catch (error) {
    await session.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * Runs `work` in one transaction on a session of `role` that is always rolled back: for reads that need a session's
 * own temporary tables (a streamed plan's stage) and must leave nothing behind. A rollback that fails (a COPY cut
 * short by a bad source may leave the connection unusable) marks the session broken; the work's own error is what
 * is reported.
 */
export async function inRolledBackTransaction<T>(provider: ConnectionProvider, role: DbRole, work: (session: DbSession) => Promise<T>): Promise<T> {
  const session = await provider(role);
  let broken = false;
  try {
    await session.query('BEGIN');
    try {
      return await work(session);
    } finally {
      await session.query('ROLLBACK').catch(() => { broken = true; });
    }
  } catch (error) {
    broken = true;
    throw error;
  } finally {
    await session.release(broken);
  }
}
