/**
 * Wraps a provider so that every session it gives is metered: the bytes the client sends (statement text, parameters,
 * COPY payload), the backend's CPU time from checkout to release (read from /proc/<pg_backend_pid()>), and the
 * transaction ids its transactions wrote under (asked for just before COMMIT or ROLLBACK), by which the WAL the
 * phase wrote is found (wal-meter.ts). The metering's own queries run on the base session and are not counted.
 */
import type { ConnectionProvider, DbSession } from '../src/postgres/port.js';
import { readCpu, type CpuReading } from './proc-stats.js';

/** What the sessions taken since the last `take()` did. */
export interface SessionMeter {
  readonly sessions: number;
  readonly statements: number;
  /** Statement text and parameters, UTF-8 (parameters as pg sends them as text, approximately: see {@link paramBytes}). */
  readonly queryBytes: number;
  /** COPY text payload, UTF-8. */
  readonly copyBytes: number;
  readonly cpuTicks: number;
  /** From schedstat; null when the kernel does not keep it. */
  readonly cpuNs: number | null;
  /** Time the backends were runnable but waited for a core (schedstat); null when the kernel does not keep it. */
  readonly cpuWaitNs: number | null;
  /** Top-level transaction ids that wrote (pg_current_xact_id_if_assigned, without its epoch: as WAL records carry them), as text. */
  readonly xids: readonly string[];
}

/**
 * A parameter's size as pg sends it: text for strings, numbers and booleans; an array as its literal `{…}` (taken as
 * its JSON length, which differs from pg's quoting by a few bytes per element at most); a Buffer as itself; null as 0.
 */
export function paramBytes(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (Buffer.isBuffer(value)) return value.length;
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value).length;
  if (value instanceof Date) return value.toISOString().length;
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/** A statement's size on the wire, text and parameters (protocol framing not included). */
export function statementBytes(text: string, params: readonly unknown[] = []): number {
  return params.reduce<number>((sum, p) => sum + paramBytes(p), Buffer.byteLength(text, 'utf8'));
}

const ENDS_TRANSACTION = /^\s*(COMMIT|ROLLBACK)\b/i;

export function meteredProvider(base: ConnectionProvider): { provider: ConnectionProvider; take: () => SessionMeter } {
  let meter = { sessions: 0, statements: 0, queryBytes: 0, copyBytes: 0, cpuTicks: 0, cpuNs: 0 as number | null, cpuWaitNs: 0 as number | null, xids: [] as string[] };
  const addCpu = (before: CpuReading, after: CpuReading) => {
    meter.cpuTicks += after.ticks - before.ticks;
    meter.cpuNs = meter.cpuNs === null || before.ns === null || after.ns === null ? null : meter.cpuNs + after.ns - before.ns;
    meter.cpuWaitNs = meter.cpuWaitNs === null || before.waitNs === null || after.waitNs === null ? null : meter.cpuWaitNs + after.waitNs - before.waitNs;
  };
  const provider: ConnectionProvider = async (role) => {
    const session = await base(role);
    const pid = (await session.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
    if (pid === undefined) throw new Error('no backend pid');
    const cpuAtCheckout = readCpu(pid);
    meter.sessions += 1;
    const metered: DbSession = {
      async query(text, params) {
        if (ENDS_TRANSACTION.test(text)) {
          const xid = (await session.query<{ xid: string | null }>('SELECT pg_current_xact_id_if_assigned()::text AS xid')).rows[0]?.xid;
          // WAL records carry the 32-bit xid; pg_current_xact_id is epoch-qualified (xid8).
          if (xid !== null && xid !== undefined) meter.xids.push(String(BigInt(xid) & 0xffffffffn));
        }
        meter.statements += 1;
        meter.queryBytes += statementBytes(text, params);
        return session.query(text, params);
      },
      exec(script) {
        meter.statements += 1;
        meter.queryBytes += statementBytes(script);
        return session.exec(script);
      },
      cancel: () => session.cancel(),
      async release(broken) {
        addCpu(cpuAtCheckout, readCpu(pid));
        await session.release(broken);
      },
    };
    const copyRows = session.copyRows?.bind(session);
    if (copyRows !== undefined) {
      metered.copyRows = (table, columns, chunks) => {
        meter.statements += 1;
        return copyRows(table, columns, countedChunks(chunks, (bytes) => { meter.copyBytes += bytes; }));
      };
    }
    return metered;
  };
  const take = (): SessionMeter => {
    const taken = meter;
    meter = { sessions: 0, statements: 0, queryBytes: 0, copyBytes: 0, cpuTicks: 0, cpuNs: 0, cpuWaitNs: 0, xids: [] };
    return taken;
  };
  return { provider, take };
}

/** The same chunks, each one's UTF-8 size told to `count` as it passes. */
export async function* countedChunks(chunks: Iterable<string> | AsyncIterable<string>, count: (bytes: number) => void): AsyncGenerator<string> {
  for await (const chunk of chunks) {
    count(Buffer.byteLength(chunk, 'utf8'));
    yield chunk;
  }
}
