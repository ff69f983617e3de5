import { describe, expect, it } from 'vitest';
import type { DbSession } from '../../../src/postgres/port.js';
import { assertDatabaseKillSwitchOn } from '../../../src/postgres/sql/kill-switch.js';

function answering(rows: unknown[] | Error): DbSession {
  return {
    query: () => (rows instanceof Error ? Promise.reject(rows) : Promise.resolve({ rows, rowCount: rows.length })) as never,
    exec: () => Promise.resolve(),
    cancel: () => Promise.resolve(),
    release: () => Promise.resolve(),
  };
}

describe('the database lock (the kill-switch row, read in the phase transaction)', () => {
  it('lets the phase on only when the row reads ON', async () => {
    await expect(assertDatabaseKillSwitchOn(answering([{ enabled: true }]), 'cutLegA')).resolves.toBeUndefined();
  });

  it.each([
    ['OFF', [{ enabled: false }]],
    ['NULL', [{ enabled: null }]],
    ['missing', []],
  ])('refuses when the row is %s, as the database lock, naming the phase, with nothing to blame but the row', async (_, rows) => {
    const refusal = await assertDatabaseKillSwitchOn(answering(rows), 'lifecycleEnact').catch((error: unknown) => error);
    expect(refusal).toMatchObject({ code: 'E_KILL_SWITCH_OFF', lock: 'database', phase: 'lifecycleEnact' });
    expect((refusal as Error).cause).toBeUndefined();
  });

  it('refuses when the row cannot be read, keeping the read error as the cause', async () => {
    const unreadable = new Error('permission denied for function fn_kill_switch_enabled');
    const refusal = await assertDatabaseKillSwitchOn(answering(unreadable), 'cutLegA').catch((error: unknown) => error);
    expect(refusal).toMatchObject({ code: 'E_KILL_SWITCH_OFF', lock: 'database', phase: 'cutLegA' });
    expect((refusal as Error).cause).toBe(unreadable);
  });
});
