/**
 * Login users for Cutter's phase roles on a test PostgreSQL database (issue 15: least privilege for real): one login
 * per role, member of it, as docs/operations.md tells an administrator to create them. Roles are cluster-wide, so
 * each test file gets logins with names of its own, dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DbRole } from '../../src/postgres/port.js';

export interface RoleLogins {
  /** The DSN each role logs in with. */
  readonly dsnByRole: Readonly<Record<DbRole, string>>;
  /** The login names, by role. */
  readonly loginOf: Readonly<Record<DbRole, string>>;
  drop(): Promise<void>;
}

/** Creates a login per phase role for `dsn`'s database (an administrator's DSN). */
export async function createRoleLogins(dsn: string): Promise<RoleLogins> {
  const suffix = randomBytes(4).toString('hex');
  const loginOf = { [DbRole.Exec]: `cutter_t_exec_${suffix}`, [DbRole.Verify]: `cutter_t_verify_${suffix}` } as const;
  const root = new pg.Client({ connectionString: dsn });
  await root.connect();
  try {
    for (const role of Object.values(DbRole)) await root.query(`CREATE ROLE ${loginOf[role]} LOGIN IN ROLE ${role}`);
  } finally {
    await root.end();
  }
  const dsnFor = (login: string) => {
    const url = new URL(dsn);
    url.username = login;
    url.password = '';
    return url.toString();
  };
  return {
    loginOf,
    dsnByRole: { [DbRole.Exec]: dsnFor(loginOf[DbRole.Exec]), [DbRole.Verify]: dsnFor(loginOf[DbRole.Verify]) },
    async drop() {
      const admin = new pg.Client({ connectionString: dsn });
      await admin.connect();
      try {
        for (const login of Object.values(loginOf)) await admin.query(`DROP ROLE IF EXISTS ${login}`);
      } finally {
        await admin.end();
      }
    },
  };
}

/** How a test becomes a role: SET ROLE from the administrator's login (one DSN), or the role's own login. */
export type Becoming = 'set-role' | 'login';

/**
 * Runs `sql` as `role` in a transaction that is always rolled back, and returns the SQLSTATE it failed with, or null
 * if it succeeded.
 */
export async function attemptAs(how: Becoming, role: DbRole, adminDsn: string, logins: RoleLogins, sql: string, params: unknown[] = []): Promise<string | null> {
  const client = new pg.Client({ connectionString: how === 'login' ? logins.dsnByRole[role] : adminDsn });
  await client.connect();
  try {
    await client.query('BEGIN');
    if (how === 'set-role') await client.query(`SET ROLE ${role}`);
    await client.query(sql, params);
    return null;
  } catch (error) {
    return (error as { code?: string }).code ?? 'no-sqlstate';
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end();
  }
}

/** {@link attemptAs} for many statements on one connection (a savepoint each): the SQLSTATE of each, or null. */
export async function attemptAllAs(how: Becoming, role: DbRole, adminDsn: string, logins: RoleLogins, statements: readonly string[]): Promise<(string | null)[]> {
  const client = new pg.Client({ connectionString: how === 'login' ? logins.dsnByRole[role] : adminDsn });
  await client.connect();
  try {
    await client.query('BEGIN');
    if (how === 'set-role') await client.query(`SET ROLE ${role}`);
    const outcomes: (string | null)[] = [];
    for (const sql of statements) {
      await client.query('SAVEPOINT attempt');
      try {
        await client.query(sql);
        outcomes.push(null);
      } catch (error) {
        outcomes.push((error as { code?: string }).code ?? 'no-sqlstate');
      }
      await client.query('ROLLBACK TO SAVEPOINT attempt');
    }
    return outcomes;
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end();
  }
}
