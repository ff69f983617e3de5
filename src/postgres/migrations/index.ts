import type { DbSession } from '../port.js';
import { assertSchemaVersion } from '../errors.js';
import { withinTransaction } from '../transaction.js';
import { migration001 } from './001-schema.js';
import { migration002 } from './002-functions.js';
import { CREATE_ROLES_SQL, GRANTS_SQL, migration003 } from './003-roles.js';
import { migration004 } from './004-target-lock.js';
import { migration005 } from './005-runs.js';
import { migration006 } from './006-run-plan-rows.js';
import { migration007 } from './007-pinned-plans.js';
import { migration008 } from './008-holds-pins-ledger-head.js';
import { migration009 } from './009-actions-retirements.js';
import { migration010 } from './010-unforgeable-progress.js';
import { migration011 } from './011-row-limits.js';
import { migration012 } from './012-backup-host-restores.js';
import { migration013 } from './013-lifecycle-per-statement.js';
import { migration014 } from './014-content-checks-on-write.js';
import { migration015 } from './015-cheaper-content-checks.js';
import { migration016 } from './016-quick-plan-row-limits.js';

/** Every migration, in order. */
export const MIGRATIONS = [migration001, migration002, migration003, migration004, migration005, migration006, migration007, migration008, migration009, migration010, migration011, migration012, migration013, migration014, migration015, migration016] as const;
/** The schema version this build of Cutter needs. */
export const LATEST_SCHEMA_VERSION: number = migration016.version;

export interface MigrationReport {
  readonly applied: readonly number[];
  readonly version: number;
  /** When roles could not be created here: the statements an administrator must run, then `cutter init` again. */
  readonly rolesPending: string | null;
}

/**
 * Applies pending migrations in one transaction, serialised by an advisory lock so that two processes initialising
 * the same database do not race. Idempotent: the applied version is recorded in `cutter.schema_migrations`.
 * If roles cannot be created (no CREATEROLE), the schema is still created and the role statements are returned.
 * `upTo` stops at an earlier version: for tests that load a target as an earlier release left it, then upgrade it.
 */
export function applyMigrations(session: DbSession, options: { readonly upTo?: number } = {}): Promise<MigrationReport> {
  const upTo = options.upTo ?? LATEST_SCHEMA_VERSION;
  return withinTransaction(session, async () => {
    await session.query("SELECT pg_advisory_xact_lock(hashtext('cutter.migrate'))");
    await session.exec(`CREATE SCHEMA IF NOT EXISTS cutter;
      CREATE TABLE IF NOT EXISTS cutter.schema_migrations (
        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());`);
    const { rows } = await session.query<{ version: number | null }>('SELECT max(version) AS version FROM cutter.schema_migrations');
    const current = rows[0]?.version ?? 0;
    // A newer Cutter upgraded this target: this build neither claims it is up to date nor writes to it.
    assertSchemaVersion(current, LATEST_SCHEMA_VERSION, { allowOlder: true });
    const applied: number[] = [];
    let rolesPending: string | null = null;
    for (const migration of MIGRATIONS) {
      if (migration.version <= current || migration.version > upTo) continue;
      if (migration === migration003) {
        await session.query('SAVEPOINT roles');
        try {
          await session.exec(migration.sql);
        } catch (error) {
          if ((error as { code?: unknown }).code !== '42501') throw error;
          await session.query('ROLLBACK TO SAVEPOINT roles');
          rolesPending = `${CREATE_ROLES_SQL}\n${GRANTS_SQL}`;
          // Later migrations grant to these roles: stop here, so the next init (after an administrator created
          // the roles) applies this one and everything after it.
          break;
        }
      } else {
        await session.exec(migration.sql);
      }
      await session.query('INSERT INTO cutter.schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      applied.push(migration.version);
    }
    return { applied, version: applied.at(-1) ?? current, rolesPending };
  });
}

/** The target's applied schema version: 0 when it has no cutter schema. */
export async function schemaVersionOf(session: DbSession): Promise<number> {
  // Two statements: a query naming a missing table fails when parsed, whatever its WHERE says.
  const present = await session.query<{ present: boolean }>("SELECT to_regclass('cutter.schema_migrations') IS NOT NULL AS present");
  if (present.rows[0]?.present !== true) return 0;
  const { rows } = await session.query<{ version: number | null }>('SELECT max(version) AS version FROM cutter.schema_migrations');
  return rows[0]?.version ?? 0;
}
