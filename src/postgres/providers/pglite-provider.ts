import { PGlite } from '@electric-sql/pglite';
import { DbRole, type ConnectionProvider, type DbSession, type QueryResult } from '../port.js';

/** The embedded target: PostgreSQL in WebAssembly, in this process, with its data in a local folder. */
export interface EmbeddedDatabase {
  /** Sessions acting as a phase role. */
  readonly provider: ConnectionProvider;
  /** A session as the database owner (no role switch), for `init` and maintenance. */
  admin<T>(work: (session: DbSession) => Promise<T>): Promise<T>;
  readonly dataDir: string;
  close(): Promise<void>;
}

/**
 * Opens (creating if needed) an embedded database. PGlite is one connection, so sessions are handed out one at a
 * time: a second phase waits for the first to release. Roles are taken with `SET ROLE`, so the same grants apply as
 * on a server. PGlite cannot interrupt a running statement; `cancel` is a no-op there.
 */
export async function openEmbeddedDatabase(dataDir: string): Promise<EmbeddedDatabase> {
  const db = await PGlite.create(dataDir);
  let queue: Promise<void> = Promise.resolve();

  const acquire = async (role: DbRole | null): Promise<DbSession> => {
    let unlock: () => void = () => undefined;
    const previous = queue;
    queue = new Promise<void>((resolve) => { unlock = resolve; });
    await previous;
    try {
      if (role !== null) await db.query(`SET ROLE ${role}`);
    } catch (error) {
      unlock();
      throw error;
    }
    let released = false;
    return {
      async query<R>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
        const result = await db.query<R>(text, params === undefined ? undefined : [...params]);
        return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
      },
      async exec(script) {
        await db.exec(script);
      },
      cancel: () => Promise.resolve(),
      async release() {
        if (released) return;
        released = true;
        try {
          if (role !== null) await db.query('RESET ROLE');
        } finally {
          unlock();
        }
      },
    };
  };

  return {
    provider: (role) => {
      if (!Object.values(DbRole).includes(role)) return Promise.reject(new Error(`unknown role ${role as string}`));
      return acquire(role);
    },
    async admin(work) {
      const session = await acquire(null);
      try {
        return await work(session);
      } finally {
        await session.release();
      }
    },
    dataDir,
    close: () => db.close(),
  };
}
