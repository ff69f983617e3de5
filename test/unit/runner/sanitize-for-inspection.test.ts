import { describe, expect, it } from 'vitest';
import { REDACTED, sanitizeForInspection, scrubText } from '../../../src/runner/sanitize-for-inspection.js';

const BODY = 'BODY-SECRET-7f3a: the governed text';
const SIGNATURE = 'SIG-SECRET-c0ffee==';
const PASSWORD = 'hunter2-PW-SECRET';
const DSN = `postgres://admin:${PASSWORD}@db.internal:5432/kb`;

const leaks = (value: unknown): string[] =>
  [BODY, SIGNATURE, PASSWORD, 'db.internal'].filter((secret) => JSON.stringify(value).includes(secret));

describe('sanitizeForInspection', () => {
  it('redacts bodies, signatures and credentials by key, at any depth, and keeps ids, counts and hashes', () => {
    const value = {
      runId: 'r-1',
      changeSet: { changeSetId: 'cs-1', planHash: 'a'.repeat(64), rowCount: 2 },
      rows: [{ address: 'a/b', title: 'T', body: BODY, contentHash: 'b'.repeat(64) }],
      event: { type: 'APPROVE', approval: { gate: 'SG_1', approver: 'alice', signature: SIGNATURE } },
      config: { dsn: DSN, databaseUrl: DSN, clientSecret: 'x', adminPassword: PASSWORD, privateKey: 'k', sessionToken: 't' },
      nested: { deeper: { body: BODY } },
    };
    const clean = sanitizeForInspection(value) as typeof value;
    expect(leaks(clean)).toEqual([]);
    expect(clean.runId).toBe('r-1');
    expect(clean.changeSet).toEqual(value.changeSet);
    expect(clean.rows).toBe(`${REDACTED}: 1 rows`);
    expect(clean.event.approval).toEqual({ gate: 'SG_1', approver: 'alice', signature: REDACTED });
    expect(clean.config).toEqual({ dsn: REDACTED, databaseUrl: REDACTED, clientSecret: REDACTED, adminPassword: REDACTED, privateKey: REDACTED, sessionToken: REDACTED });
    expect(clean.nested.deeper.body).toBe(REDACTED);
    // The input is not changed.
    expect(value.rows[0]?.body).toBe(BODY);
  });

  it('a row array under another key keeps its rows but not their bodies', () => {
    const clean = sanitizeForInspection({ items: [{ address: 'a/b', body: BODY }] });
    expect(clean).toEqual({ items: [{ address: 'a/b', body: REDACTED }] });
  });

  it('scrubs DSNs, credentials in URLs, key=value passwords and private keys out of free text', () => {
    expect(scrubText(`could not connect to ${DSN}: refused`)).toBe('could not connect to [redacted dsn]: refused');
    expect(scrubText('postgresql://db.internal/kb')).toBe('[redacted dsn]');
    expect(scrubText(`fetch https://bob:${PASSWORD}@host.example/x`)).toBe('fetch [redacted url]');
    expect(scrubText(`host=db.internal password=${PASSWORD} dbname=kb`)).toBe(`host=db.internal password=${REDACTED} dbname=kb`);
    expect(scrubText('-----BEGIN PRIVATE KEY-----\nMC4CAQ\n-----END PRIVATE KEY-----')).toBe('[redacted private key]');
    expect(scrubText('https://stately.ai/inspect and plain text')).toBe('https://stately.ai/inspect and plain text');
  });

  it('errors become { name, code, message } with the message scrubbed; functions are dropped; cycles are cut', () => {
    const error = Object.assign(new Error(`backup failed for ${DSN}`), { code: 'E_TARGET_UNAVAILABLE', phase: 'backup' });
    const cyclic: Record<string, unknown> = { id: 'c' };
    cyclic.self = cyclic;
    const clean = sanitizeForInspection({ error, fn: () => BODY, cyclic, when: new Date(0), big: 10n, tags: new Set(['gate']) });
    expect(clean).toEqual({
      error: { name: 'Error', code: 'E_TARGET_UNAVAILABLE', message: 'backup failed for [redacted dsn]', phase: 'backup' },
      cyclic: { id: 'c', self: '[circular]' },
      when: '1970-01-01T00:00:00.000Z',
      big: '10',
      tags: ['gate'],
    });
  });

  it('a value shared by two keys is not mistaken for a cycle', () => {
    const shared = { id: 's' };
    expect(sanitizeForInspection({ a: shared, b: shared })).toEqual({ a: { id: 's' }, b: { id: 's' } });
  });
});
