import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { targetFromOptions, waitMsOf } from '../../../src/cli/target-options.js';

describe('targetFromOptions', () => {
  it('defaults to the embedded database in .cutter/', () => {
    expect(targetFromOptions({}, {})).toMatchObject({ kind: 'embedded', dataDir: resolve('.cutter') });
    expect(targetFromOptions({ dataDir: '/tmp/x' }, {})).toMatchObject({ kind: 'embedded', dataDir: '/tmp/x' });
  });

  it('opens the embedded folder as the command, refusing at once unless --wait says how long to wait for another process', () => {
    expect(targetFromOptions({ commandPath: 'cutter approval request' }, {})).toMatchObject({ lock: { command: 'cutter approval request', waitMs: 0 } });
    expect(targetFromOptions({ wait: true }, {})).toMatchObject({ lock: { waitMs: 600_000 } });
    expect(targetFromOptions({ wait: '2.5' }, {})).toMatchObject({ lock: { waitMs: 2500 } });
    expect(waitMsOf(false)).toBe(0);
    for (const bad of ['soon', '-1', '']) expect(() => waitMsOf(bad), bad).toThrow(expect.objectContaining({ code: 'E_INVALID_INPUT', field: 'wait' }) as Error);
  });

  it('takes --database-url before CUTTER_DATABASE_URL', () => {
    expect(targetFromOptions({ databaseUrl: 'postgres://a/b' }, { CUTTER_DATABASE_URL: 'postgres://c/d' })).toEqual({ kind: 'postgres', dsn: 'postgres://a/b' });
    expect(targetFromOptions({}, { CUTTER_DATABASE_URL: 'postgres://c/d' })).toEqual({ kind: 'postgres', dsn: 'postgres://c/d' });
  });

  it('uses a DSN per role when both role variables are set, and only then', () => {
    const env = { CUTTER_DATABASE_URL: 'postgres://admin@h/kb', CUTTER_EXEC_DATABASE_URL: 'postgres://exec@h/kb', CUTTER_VERIFY_DATABASE_URL: 'postgres://verify@h/kb' };
    expect(targetFromOptions({}, env)).toEqual({ kind: 'postgres', dsn: 'postgres://admin@h/kb', dsnByRole: { cutter_exec: 'postgres://exec@h/kb', cutter_verify: 'postgres://verify@h/kb' } });
    expect(targetFromOptions({}, { ...env, CUTTER_VERIFY_DATABASE_URL: '' })).toEqual({ kind: 'postgres', dsn: 'postgres://admin@h/kb' });
  });

  it('bounds a read-only command\'s statements and init\'s lock waits by $CUTTER_QUERY_TIMEOUT (default 60 s), and a writing command\'s not at all', () => {
    const env = { CUTTER_DATABASE_URL: 'postgres://a/b' };
    expect(targetFromOptions({}, env, 'read')).toEqual({ kind: 'postgres', dsn: 'postgres://a/b', statementTimeoutMs: 60_000 });
    expect(targetFromOptions({}, { ...env, CUTTER_QUERY_TIMEOUT: '2.5' }, 'read')).toEqual({ kind: 'postgres', dsn: 'postgres://a/b', statementTimeoutMs: 2500 });
    expect(targetFromOptions({}, env, 'init')).toEqual({ kind: 'postgres', dsn: 'postgres://a/b', lockTimeoutMs: 60_000 });
    expect(targetFromOptions({}, { ...env, CUTTER_QUERY_TIMEOUT: '2.5' }, 'write')).toEqual({ kind: 'postgres', dsn: 'postgres://a/b' });
    for (const bad of ['soon', '0', '-1']) expect(() => targetFromOptions({}, { ...env, CUTTER_QUERY_TIMEOUT: bad }, 'read'), bad).toThrow(expect.objectContaining({ code: 'E_INVALID_INPUT', field: 'CUTTER_QUERY_TIMEOUT' }) as Error);
  });
});
