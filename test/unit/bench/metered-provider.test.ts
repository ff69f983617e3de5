/** The session meter of the breakdown bench (bench/metered-provider.ts), over a fake session. */
import { describe, expect, it } from 'vitest';
import { meteredProvider, paramBytes, statementBytes } from '../../../bench/metered-provider.js';
import type { DbSession } from '../../../src/postgres/port.js';

describe('paramBytes and statementBytes', () => {
  it('count UTF-8 bytes of text, and parameters as pg sends them as text', () => {
    expect(statementBytes('SELECT 1')).toBe(8);
    expect(statementBytes('SELECT $1', ['é'])).toBe(9 + 2);
    expect(paramBytes(12345)).toBe(5);
    expect(paramBytes(true)).toBe(4);
    expect(paramBytes(null)).toBe(0);
    expect(paramBytes(Buffer.from([1, 2, 3]))).toBe(3);
    expect(paramBytes(['a', 'b'])).toBe('["a","b"]'.length);
  });
});

/** A session whose backend is this very process (so /proc can be read) and that records what reaches it. */
function fakeSession(seen: string[], xid: string | null): DbSession {
  return {
    query: ((text: string) => {
      seen.push(text);
      const row = text.includes('pg_backend_pid') ? { pid: process.pid } : text.includes('pg_current_xact_id_if_assigned') ? { xid } : {};
      return Promise.resolve({ rows: [row], rowCount: 1 });
    }) as DbSession['query'],
    exec: (script) => { seen.push(script); return Promise.resolve(); },
    async copyRows(_table, _columns, chunks) {
      for await (const chunk of chunks) seen.push(`copy:${chunk}`);
    },
    cancel: () => Promise.resolve(),
    release: () => Promise.resolve(),
  };
}

describe('meteredProvider', () => {
  it('counts what the caller sends, finds the xid before COMMIT, and leaves its own queries uncounted', async () => {
    const seen: string[] = [];
    // An xid8 of epoch 1: WAL records carry only its low 32 bits.
    const { provider, take } = meteredProvider(() => Promise.resolve(fakeSession(seen, String(2 ** 32 + 777))));
    const session = await provider('cutter_exec');
    await session.query('BEGIN');
    await session.query('INSERT INTO t VALUES ($1)', ['abc']);
    await session.copyRows?.('t', ['a'], ['x\n', 'yz\n']);
    await session.query('COMMIT');
    await session.release();
    const meter = take();
    expect(meter.sessions).toBe(1);
    expect(meter.statements).toBe(4);
    expect(meter.queryBytes).toBe('BEGIN'.length + 'INSERT INTO t VALUES ($1)'.length + 3 + 'COMMIT'.length);
    expect(meter.copyBytes).toBe(5);
    expect(meter.xids).toEqual(['777']);
    expect(meter.cpuTicks).toBeGreaterThanOrEqual(0);
    // The xid is asked for on the same session, just before COMMIT reaches it.
    expect(seen.indexOf('COMMIT') - seen.findIndex((t) => t.includes('pg_current_xact_id_if_assigned'))).toBe(1);
    expect(seen).toContain('copy:yz\n');
    expect(take()).toMatchObject({ sessions: 0, statements: 0, queryBytes: 0, copyBytes: 0, xids: [] });
  });

  it('records no xid for a transaction that wrote nothing', async () => {
    const { provider, take } = meteredProvider(() => Promise.resolve(fakeSession([], null)));
    const session = await provider('cutter_verify');
    await session.query('BEGIN READ ONLY');
    await session.query('ROLLBACK');
    await session.release();
    expect(take().xids).toEqual([]);
  });
});
