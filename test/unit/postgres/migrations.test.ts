import { describe, expect, it } from 'vitest';
import { applyMigrations, LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../../src/postgres/migrations/index.js';
import type { DbSession } from '../../../src/postgres/port.js';
import { maskDsn } from '../../../src/postgres/providers/mask-dsn.js';

/** A session that records statements, reports `current` as the applied version, and can refuse role creation. */
function fakeSession(current: number, options: { refuseRoles?: boolean } = {}) {
  const log: string[] = [];
  const session: DbSession = {
    query: (text) => {
      log.push(text);
      const rows = text.includes('max(version)') ? [{ version: current === 0 ? null : current }] : [];
      return Promise.resolve({ rows: rows as never[], rowCount: rows.length });
    },
    exec: (script) => {
      log.push(script);
      if (options.refuseRoles === true && script.includes('CREATE ROLE')) {
        return Promise.reject(Object.assign(new Error('permission denied to create role'), { code: '42501' }));
      }
      return Promise.resolve();
    },
    cancel: () => Promise.resolve(),
    release: () => Promise.resolve(),
  };
  return { session, log };
}

describe('applyMigrations', () => {
  it('applies every pending migration in one transaction under an advisory lock, recording each version', async () => {
    const { session, log } = fakeSession(0);
    const report = await applyMigrations(session);
    expect(report).toEqual({ applied: MIGRATIONS.map((m) => m.version), version: LATEST_SCHEMA_VERSION, rolesPending: null });
    expect(log[0]).toBe('BEGIN');
    expect(log[1]).toContain('pg_advisory_xact_lock');
    expect(log.filter((l) => l.startsWith('INSERT INTO cutter.schema_migrations'))).toHaveLength(MIGRATIONS.length);
    expect(log.at(-1)).toBe('COMMIT');
  });

  it('is idempotent: an up-to-date schema applies nothing', async () => {
    const { session, log } = fakeSession(LATEST_SCHEMA_VERSION);
    expect(await applyMigrations(session)).toEqual({ applied: [], version: LATEST_SCHEMA_VERSION, rolesPending: null });
    expect(log.some((l) => l.includes('CREATE TABLE IF NOT EXISTS cutter.iu_versions'))).toBe(false);
  });

  it('without the right to create roles, keeps the schema and returns the statements for an administrator', async () => {
    const { session, log } = fakeSession(0, { refuseRoles: true });
    const report = await applyMigrations(session);
    expect(report.applied).toEqual([1, 2]);
    expect(report.rolesPending).toContain('CREATE ROLE cutter_exec NOLOGIN');
    expect(report.rolesPending).toContain('GRANT USAGE ON SCHEMA cutter TO cutter_exec, cutter_verify');
    expect(log).toContain('ROLLBACK TO SAVEPOINT roles');
    expect(log.at(-1)).toBe('COMMIT');
  });
});

describe('maskDsn', () => {
  it.each([
    ['postgres://app:S3cret@db.example:5432/kb', 'postgres://app:***@db.example:5432/kb'],
    ['postgres://app@db/kb?password=S3cret&sslmode=require', 'postgres://app@db/kb?password=***&sslmode=require'],
    ['host=db password=S3cret', '(unparseable DSN, masked)'],
  ])('%s → %s', (dsn, masked) => {
    expect(maskDsn(dsn)).toBe(masked);
    expect(maskDsn(dsn)).not.toContain('S3cret');
  });
});
