import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { targetFromOptions } from '../../../src/cli/target-options.js';

describe('targetFromOptions', () => {
  it('defaults to the embedded database in .cutter/', () => {
    expect(targetFromOptions({}, {})).toEqual({ kind: 'embedded', dataDir: resolve('.cutter') });
    expect(targetFromOptions({ dataDir: '/tmp/x' }, {})).toEqual({ kind: 'embedded', dataDir: '/tmp/x' });
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
});
