import { describe, expect, it } from 'vitest';
import type { ConnectionProvider, DbSession } from '../../../src/postgres/port.js';
import { inTransaction, withinTransaction } from '../../../src/postgres/transaction.js';

/** A session that records statements and can fail any of them. */
function recording(failOn: (text: string) => boolean = () => false) {
  const log: string[] = [];
  const released: boolean[] = [];
  let cancels = 0;
  const session: DbSession = {
    query: (text) => {
      log.push(text);
      return failOn(text) ? Promise.reject(new Error(`failed: ${text}`)) : Promise.resolve({ rows: [], rowCount: 0 });
    },
    exec: () => Promise.resolve(),
    cancel: () => { cancels++; return Promise.resolve(); },
    release: (broken = false) => { released.push(broken); return Promise.resolve(); },
  };
  const provider: ConnectionProvider = () => Promise.resolve(session);
  return { provider, log, released, cancels: () => cancels };
}

describe('inTransaction', () => {
  it('BEGIN, the work, COMMIT, and the session released whole', async () => {
    const { provider, log, released } = recording();
    expect(await inTransaction(provider, 'cutter_exec', undefined, async (s) => { await s.query('WORK'); return 42; })).toBe(42);
    expect(log).toEqual(['BEGIN', 'WORK', 'COMMIT']);
    expect(released).toEqual([false]);
  });

  it('a read-only transaction begins READ ONLY', async () => {
    const { provider, log } = recording();
    await inTransaction(provider, 'cutter_verify', undefined, () => Promise.resolve(null), { readOnly: true });
    expect(log[0]).toBe('BEGIN READ ONLY');
  });

  it('an error in the work rolls back and re-raises; the session is released whole', async () => {
    const { provider, log, released } = recording((t) => t === 'WORK');
    await expect(inTransaction(provider, 'cutter_exec', undefined, async (s) => { await s.query('WORK'); })).rejects.toThrow('failed: WORK');
    expect(log).toEqual(['BEGIN', 'WORK', 'ROLLBACK']);
    expect(released).toEqual([false]);
  });

  it('when even ROLLBACK fails, the connection is released as broken (never reused)', async () => {
    const { provider, released } = recording((t) => t === 'WORK' || t === 'ROLLBACK');
    await expect(inTransaction(provider, 'cutter_exec', undefined, async (s) => { await s.query('WORK'); })).rejects.toThrow('failed: WORK');
    expect(released).toEqual([true]);
  });

  it('an aborted signal cancels the running statement, and the transaction does not commit', async () => {
    const { provider, log, cancels } = recording();
    const controller = new AbortController();
    await expect(inTransaction(provider, 'cutter_exec', controller.signal, async (s) => { controller.abort(); await s.query('WORK'); })).rejects.toThrow();
    expect(cancels()).toBe(1);
    expect(log).not.toContain('COMMIT');
    expect(log.at(-1)).toBe('ROLLBACK');
  });

  it('an already aborted signal never takes a session', async () => {
    let asked = 0;
    const provider: ConnectionProvider = () => { asked++; return Promise.reject(new Error('no')); };
    const controller = new AbortController();
    controller.abort();
    await expect(inTransaction(provider, 'cutter_exec', controller.signal, () => Promise.resolve(1))).rejects.toThrow();
    expect(asked).toBe(0);
  });

  it('an abort after the transaction ended cancels nothing: the session may already serve someone else', async () => {
    const { provider, cancels } = recording();
    const controller = new AbortController();
    await inTransaction(provider, 'cutter_exec', controller.signal, () => Promise.resolve(1));
    controller.abort();
    expect(cancels()).toBe(0);
  });
});

describe('withinTransaction (on a session the caller holds)', () => {
  it('BEGIN, the work, COMMIT; the session is left to the caller', async () => {
    const { provider, log, released } = recording();
    const session = await provider('cutter_exec');
    expect(await withinTransaction(session, async () => { await session.query('WORK'); return 'done'; })).toBe('done');
    expect(log).toEqual(['BEGIN', 'WORK', 'COMMIT']);
    expect(released).toEqual([]);
  });

  it('begins READ ONLY when asked', async () => {
    const { provider, log } = recording();
    await withinTransaction(await provider('cutter_exec'), () => Promise.resolve(null), { readOnly: true });
    expect(log).toEqual(['BEGIN READ ONLY', 'COMMIT']);
  });

  it('an error rolls back and re-raises the error itself, even when ROLLBACK fails too', async () => {
    const plain = recording((t) => t === 'WORK');
    const session = await plain.provider('cutter_exec');
    await expect(withinTransaction(session, () => session.query('WORK'))).rejects.toThrow('failed: WORK');
    expect(plain.log).toEqual(['BEGIN', 'WORK', 'ROLLBACK']);

    const worse = recording((t) => t === 'WORK' || t === 'ROLLBACK');
    const held = await worse.provider('cutter_exec');
    await expect(withinTransaction(held, () => held.query('WORK'))).rejects.toThrow('failed: WORK');
  });
});
