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
