import pg from 'pg';
import type { ConnectionProvider, DbRole, DbSession } from './port.js';
import { createPgConnections, withPoolSession } from './providers/pg-provider.js';
import { maskDsn } from './providers/mask-dsn.js';
import type { DataDirLockOptions } from './providers/data-dir-lock.js';
import { openEmbeddedDatabase } from './providers/pglite-provider.js';
import { DEFAULT_CONNECT_TIMEOUT_MS } from './target-unreachable.js';
import { timeoutSettings, type StatementBounds } from './statement-bounds.js';

/** Where a run writes: the embedded database in a local folder, or a PostgreSQL server. */
export type TargetConfig =
  | {
      readonly kind: 'embedded';
      readonly dataDir: string;
      /** Who opens the folder and how long to wait for another process that has it open (Default: refuse at once). */
      readonly lock?: DataDirLockOptions;
    }
  | ({
      readonly kind: 'postgres';
      /** The administrator's DSN (init, maintenance); also the phases' DSN when no per-role DSNs are given. */
      readonly dsn: string;
      /** A DSN per phase role: each logs in as its role. Without it, `dsn`'s user acts as each role by SET ROLE. */
      readonly dsnByRole?: Readonly<Record<DbRole, string>>;
      /** How long a connection attempt (login and a first answer) may take before it is refused with `E_TARGET_UNAVAILABLE` (Default: 10 000 ms). */
      readonly connectTimeoutMs?: number;
    } & StatementBounds);

/** An opened target: sessions per role for the adapter, an administrator's session for init and maintenance. */
export interface OpenTarget {
  readonly provider: ConnectionProvider;
  admin<T>(work: (session: DbSession) => Promise<T>): Promise<T>;
  /** For people: where this is, never with a password. */
  readonly description: string;
  close(): Promise<void>;
}

/**
 * Opens a target. On PostgreSQL the phases use a DSN per role when given one; otherwise the DSN's user acts as each
 * phase role by `SET ROLE` (it must be a member of cutter_exec and cutter_verify), exactly as the embedded target
 * does, so grants are enforced the same way either way.
 */
export async function openTarget(config: TargetConfig): Promise<OpenTarget> {
  if (config.kind === 'embedded') {
    const db = await openEmbeddedDatabase(config.dataDir, config.lock);
    return { provider: db.provider, admin: (work) => db.admin(work), description: `embedded database in ${config.dataDir}`, close: () => db.close() };
  }
  const connectTimeoutMs = config.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const bounds: StatementBounds = {
    ...(config.statementTimeoutMs === undefined ? {} : { statementTimeoutMs: config.statementTimeoutMs }),
    ...(config.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: config.lockTimeoutMs }),
  };
  const connections = createPgConnections(config.dsnByRole === undefined ? { dsn: config.dsn, setRole: true, connectTimeoutMs, ...bounds } : { dsnByRole: config.dsnByRole, connectTimeoutMs, ...bounds });
  // Connecting (to the first answer) is always bounded, so a silent server cannot hang a command. Statements are
  // bounded only when the config says so (a read-only command): a migration, a cut or a restore may rightly take long,
  // and a phase is bounded by its lease and abort signal instead.
  const adminPool = new pg.Pool({ connectionString: config.dsn, max: 1, connectionTimeoutMillis: connectTimeoutMs, ...timeoutSettings(bounds) });
  adminPool.on('error', () => undefined);
  const description = `PostgreSQL ${maskDsn(config.dsn)}`;
  return {
    provider: connections.provider,
    admin: (work) => withPoolSession(adminPool, work, description, bounds),
    description,
    async close() {
      await connections.end();
      await adminPool.end();
    },
  };
}
