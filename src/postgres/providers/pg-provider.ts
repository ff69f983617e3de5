import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { copyStatement } from '../copy-text.js';
import { DbRole, type ConnectionProvider, type DbSession, type QueryResult } from '../port.js';
import { maskDsn } from './mask-dsn.js';
import { connectOrExplain, DEFAULT_CONNECT_TIMEOUT_MS, NoAnswer } from '../target-unreachable.js';
import { explainTimeouts, timeoutSettings, type StatementBounds } from '../statement-bounds.js';

/**
 * How long to wait for a connection: a server that accepts and never answers must not hang the caller. Connecting
 * ends with the server's answer to a first `SELECT 1`, so a server that completes the login but never answers a
 * query is refused in the same time.
 */
export interface ConnectTimeout extends StatementBounds {
  /** Milliseconds a connection attempt (login and first answer) may take; past it, `E_TARGET_UNAVAILABLE` (Default: 10 000). */
  readonly connectTimeoutMs?: number;
}

/** How to reach the target: a DSN per role, or one DSN whose user may `SET ROLE` to each. */
export type PgConnectionConfig =
  | ({ readonly dsnByRole: Readonly<Record<DbRole, string>>; readonly poolSize?: number } & ConnectTimeout)
  | ({ readonly dsn: string; readonly setRole: true; readonly poolSize?: number } & ConnectTimeout);

/** A provider over `pg` pools, with a way to close them and a description that never shows a password. */
export interface PgConnections {
  readonly provider: ConnectionProvider;
  /** The DSNs with passwords masked, for logs and errors. */
  describe(): string;
  end(): Promise<void>;
}

/**
 * Pools per role, created lazily: constructing this never connects. Sessions of a `setRole` configuration run
 * `SET ROLE` on checkout and `RESET ROLE` on release.
 */
export function createPgConnections(config: PgConnectionConfig): PgConnections {
  const pools = new Map<string, pg.Pool>();
  const dsnFor = (role: DbRole): string => ('dsnByRole' in config ? config.dsnByRole[role] : config.dsn);
  const setRole = 'setRole' in config;
  const timeoutMs = config.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const poolFor = (dsn: string): pg.Pool => {
    let pool = pools.get(dsn);
    if (pool === undefined) {
      pool = new pg.Pool({ connectionString: dsn, max: config.poolSize ?? 4, connectionTimeoutMillis: timeoutMs, ...timeoutSettings(config) });
      // An idle client's error (a terminated backend) must not crash the host; the pool discards the client.
      pool.on('error', () => undefined);
      pools.set(dsn, pool);
    }
    return pool;
  };

  const provider: ConnectionProvider = async (role) => {
    if (!Object.values(DbRole).includes(role)) throw new Error(`unknown role ${role as string}`);
    const dsn = dsnFor(role);
    const pool = poolFor(dsn);
    const client = await connectOrExplain(`PostgreSQL ${maskDsn(dsn)}`, () => connectAnswered(pool, timeoutMs));
    try {
      if (setRole) await client.query(`SET ROLE ${role}`);
    } catch (error) {
      client.release(true);
      throw error;
    }
    return sessionOver(client, dsn, setRole, timeoutMs);
  };

  return {
    provider,
    describe: () => [...new Set(Object.values(DbRole).map((r) => `${r}=${maskDsn(dsnFor(r))}`))].join(' '),
    end: async () => {
      await Promise.all([...pools.values()].map((p) => p.end()));
      pools.clear();
    },
  };
}

/**
 * Runs `work` on a session of a pool's client as its own user (no role switch): an administrator's session for
 * init and maintenance. The client goes back to the pool afterwards. A failure to connect is named
 * (`E_TARGET_UNAVAILABLE`, naming `description`) when one is given.
 */
export async function withPoolSession<T>(pool: pg.Pool, work: (session: DbSession) => Promise<T>, description?: string, bounds: StatementBounds = {}): Promise<T> {
  const timeoutMs = pool.options.connectionTimeoutMillis ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const client = await (description === undefined ? connectAnswered(pool, timeoutMs) : connectOrExplain(description, () => connectAnswered(pool, timeoutMs)));
  let broken = false;
  try {
    return await explainTimeouts(description ?? 'the target', bounds, () => work({ ...queriesOver(client), cancel: () => Promise.resolve(), release: () => Promise.resolve() }));
  } catch (error) {
    // A client that gave up waiting still has the statement in flight: it cannot serve the next one.
    broken = error instanceof Error && 'statementBound' in error;
    throw error;
  } finally {
    client.release(broken);
  }
}

const answeredClients = new WeakSet<pg.PoolClient>();

/**
 * A pool's client, new ones checked to answer `SELECT 1` within `timeoutMs`: the login's end (ReadyForQuery) is
 * bounded by the pool's connection timeout, but a server (or proxy) can complete it and then never answer a query.
 * A client that does not answer is destroyed and the attempt fails with a timeout, as a login that never ends does.
 */
async function connectAnswered(pool: pg.Pool, timeoutMs: number): Promise<pg.PoolClient> {
  const client = guarded(await pool.connect());
  if (answeredClients.has(client)) return client;
  try {
    // pg honours query_timeout per query; @types/pg does not declare it.
    const ping: pg.QueryConfig & { query_timeout: number } = { text: 'SELECT 1', query_timeout: timeoutMs };
    await client.query(ping);
  } catch (error) {
    client.release(true);
    throw error instanceof Error && error.message === 'Query read timeout' ? new NoAnswer(timeoutMs) : error;
  }
  answeredClients.add(client);
  return client;
}

const guardedClients = new WeakSet<pg.PoolClient>();

/**
 * A checked-out client whose connection dies (terminated backend, restart) emits 'error'; unheard, that crashes the
 * host. The failure already reaches the caller through the failing query, so the event itself is only absorbed.
 */
function guarded(client: pg.PoolClient): pg.PoolClient {
  if (!guardedClients.has(client)) {
    client.on('error', () => undefined);
    guardedClients.add(client);
  }
  return client;
}

function queriesOver(client: pg.PoolClient): Pick<DbSession, 'query' | 'exec' | 'copyRows'> {
  return {
    async query<R>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const result = await client.query(text, params === undefined ? undefined : [...params]);
      return { rows: result.rows as R[], rowCount: result.rowCount ?? result.rows.length };
    },
    async exec(script) {
      await client.query(script);
    },
    async copyRows(table, columns, chunks) {
      // One COPY FROM STDIN for every chunk: the stream applies back-pressure, so only a chunk or two is in memory.
      await pipeline(Readable.from(chunks, { objectMode: false }), client.query(copyFrom(copyStatement(table, columns, 'STDIN'))));
    },
  };
}

function sessionOver(client: pg.PoolClient, dsn: string, setRole: boolean, connectTimeoutMs: number): DbSession {
  return {
    ...queriesOver(client),
    async cancel() {
      // pg has no in-band cancel: ask the server from a second connection to cancel this backend's statement.
      const pid = (client as unknown as { processID?: number }).processID;
      if (pid === undefined) return;
      const canceller = new pg.Client({ connectionString: dsn, connectionTimeoutMillis: connectTimeoutMs });
      await canceller.connect();
      try {
        await canceller.query('SELECT pg_cancel_backend($1)', [pid]);
      } finally {
        await canceller.end();
      }
    },
    async release(broken = false) {
      if (!broken && setRole) {
        try {
          await client.query('RESET ROLE');
        } catch {
          broken = true;
        }
      }
      client.release(broken);
    },
  };
}
