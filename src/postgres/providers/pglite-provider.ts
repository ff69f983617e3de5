import { mkdir } from 'node:fs/promises';
import type { PGlite } from '@electric-sql/pglite';
import { InvalidInput } from '../../errors/index.js';
import { ignoreAllInGit } from '../../files/ignore-all.js';
import { copyStatement } from '../copy-text.js';
import { DbRole, type ConnectionProvider, type DbSession, type QueryResult } from '../port.js';
import { assertUsableDataDir } from './data-dir-check.js';
import { acquireDataDirLock, type DataDirLockOptions } from './data-dir-lock.js';

/** The embedded target: PostgreSQL in WebAssembly, in this process, with its data in a local folder. */
export interface EmbeddedDatabase {
  /** Sessions acting as a phase role. */
  readonly provider: ConnectionProvider;
  /** A session as the database owner (no role switch), for `init` and maintenance. */
  admin<T>(work: (session: DbSession) => Promise<T>): Promise<T>;
  readonly dataDir: string;
  /** Closes the database, then releases the folder's lock. */
  close(): Promise<void>;
}

/**
 * Opens (creating if needed) an embedded database. One process at a time: the folder's lock is taken first and held
 * until `close` (PGlite cannot share a folder; two processes on one lose and corrupt data), so another process gets
 * `E_TARGET_BUSY` naming this one, or waits (`lock.waitMs`). PGlite is one connection, so sessions are handed out
 * one at a time: a second phase waits for the first to release. Roles are taken with `SET ROLE`, so the same grants
 * apply as on a server. PGlite cannot interrupt a running statement; `cancel` is a no-op there.
 *
 * @example
 * const db = await openEmbeddedDatabase('.cutter', { command: 'my-app sync', waitMs: 30_000 });
 * try { await db.admin((s) => applyMigrations(s)); } finally { await db.close(); }
 */
export async function openEmbeddedDatabase(dataDir: string, lock: DataDirLockOptions = {}): Promise<EmbeddedDatabase> {
  if (typeof dataDir !== 'string' || dataDir === '') throw new InvalidInput('dataDir', 'must be the path of a folder for the embedded database');
  // Before anything is made: a file, a device, /proc or an unwritable folder is named as such, not met as an errno.
  await assertUsableDataDir(dataDir);
  // PGlite makes the data folder itself but not its parents: `--data-dir state/cutter` should just work.
  const created = await mkdir(dataDir, { recursive: true });
  // A folder made here holds nothing but the database: git should never offer to commit it (`.cutter/` in a clone).
  if (created !== undefined) await ignoreAllInGit(dataDir);
  const held = await acquireDataDirLock(dataDir, lock);
  let db: PGlite;
  try {
    // Loaded here, not at the top: every CLI command imports this file, and only the embedded target needs PGlite.
    const { PGlite: Embedded } = await import('@electric-sql/pglite');
    db = await Embedded.create(dataDir);
  } catch (error) {
    await held.release();
    // PGlite throws plain objects ({ name: 'ErrnoError', errno }), which print as [object Object].
    throw new InvalidInput('dataDir', `${dataDir}: cannot open an embedded database there (${describePgliteError(error)}); name an empty folder, or one cutter made`);
  }
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
      async copyRows(table, columns, chunks) {
        // PGlite reads COPY input from a Blob named '/dev/blob'; one statement per chunk keeps each Blob small.
        // COPY from a "file" needs pg_read_server_files, which no phase role has: the statement (fixed text, into a
        // staging table or cutter.iu_versions, whose constraints and lifecycle trigger still apply) runs as the owner.
        // In process, the roles are a discipline, not a boundary; on PostgreSQL, COPY FROM STDIN runs as the phase role.
        const sql = copyStatement(table, columns, "'/dev/blob'");
        if (role !== null) await db.query('RESET ROLE');
        // Should a COPY fail, the transaction's rollback restores the role the session had before it began.
        for await (const chunk of chunks) await db.query(sql, [], { blob: new Blob([chunk]) });
        if (role !== null) await db.query(`SET ROLE ${role}`);
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
    async close() {
      // The lock goes only once PGlite has written everything and let go of the folder.
      try {
        await db.close();
      } finally {
        await held.release();
      }
    },
  };
}

/** A PGlite start-up failure in words: an Error's message, or the fields of the plain object it may throw instead. */
function describePgliteError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null) {
    const { name, errno } = error as { name?: unknown; errno?: unknown };
    return [typeof name === 'string' ? name : 'error', typeof errno === 'number' ? `errno ${errno}` : ''].filter((p) => p !== '').join(' ');
  }
  return String(error);
}
