import { applyMigrations, type MigrationReport } from '../../../src/postgres/migrations/index.js';
import type { DbSession } from '../../../src/postgres/port.js';
import { loadCutterTables } from '../target-dump.js';
import type { RunFixture } from './fixture-file.js';

/**
 * Puts a fixture's target into a database as its release left it, then upgrades it as an operator would: the cutter
 * schema is dropped and created again up to the fixture's schema version, the fixture's rows are loaded, and `cutter
 * init` (every later schema migration) is applied. Returns that upgrade's report.
 */
export async function loadFixture(admin: <T>(work: (session: DbSession) => Promise<T>) => Promise<T>, fixture: RunFixture): Promise<MigrationReport> {
  await admin((s) => s.exec('DROP SCHEMA IF EXISTS cutter CASCADE'));
  await admin((s) => applyMigrations(s, { upTo: fixture.capturedWith.schemaVersion }));
  await admin((s) => loadCutterTables(s, fixture.tables));
  return admin((s) => applyMigrations(s));
}
