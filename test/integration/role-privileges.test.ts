/**
 * Issue 15: the database is the last line of defence. The catalog grants exactly what src/postgres/role-privileges.ts
 * (and docs/operations.md, written from it) says; every other write is tried as each phase role, both by SET ROLE from
 * the administrator's login and as the role's own login, and must be denied; the writes the grants allow but the
 * lifecycle forbids are refused by the functions and triggers, for the schema owner too.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DbRole } from '../../src/postgres/port.js';
import { privilegeTableMarkdown, ROLE_PRIVILEGES, type TablePrivilege } from '../../src/postgres/role-privileges.js';
import { attemptAllAs, attemptAs, createRoleLogins, type Becoming, type RoleLogins } from '../support/role-logins.js';
import { openTarget, TARGET_KINDS, type Target } from '../support/targets.js';

const ROLES = Object.values(DbRole);
const WRITES: readonly TablePrivilege[] = ['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE'];

// Needs a PostgreSQL server (CUTTER_TEST_DATABASE_URL); skipped only without one. CI sets CUTTER_REQUIRE_POSTGRES=1,
// and then test/support/targets.ts fails the suite if the URL is missing, so this tier never skips there.
describe.runIf(TARGET_KINDS.includes('postgres'))('what each phase role may do, on PostgreSQL', () => {
  let target: Target;
  let logins: RoleLogins;
  let dsn = '';
  let tables: { name: string; firstColumn: string }[] = [];
  let functions: { name: string; call: string }[] = [];

  beforeAll(async () => {
    target = await openTarget('postgres');
    dsn = target.dsn ?? '';
    logins = await createRoleLogins(dsn);
    tables = (await target.admin((s) => s.query<{ name: string; first_column: string }>(`
      SELECT c.relname AS name, (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum = 1) AS first_column
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'cutter' AND c.relkind = 'r' ORDER BY 1`))).rows
      .map((r) => ({ name: r.name, firstColumn: r.first_column }));
    functions = (await target.admin((s) => s.query<{ name: string; args: string | null }>(`
      SELECT p.proname AS name, (SELECT string_agg('NULL::' || format_type(t, NULL), ', ') FROM unnest(p.proargtypes) AS t) AS args
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'cutter' ORDER BY 1`))).rows
      .map((r) => ({ name: r.name, call: `SELECT cutter.${r.name}(${r.args ?? ''})` }));
  }, 60_000);

  afterAll(async () => {
    await logins.drop(); // while its database is still there to connect to
    await target.close();
  });

  it('docs/operations.md shows the privilege table as the code declares it', () => {
    const docs = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
    expect(/<!-- privileges:begin -->\n([\s\S]*?)\n<!-- privileges:end -->/.exec(docs)?.[1]).toBe(privilegeTableMarkdown());
  });

  it('the catalog grants exactly the declared table: every table and function is declared, and nothing more is granted', async () => {
    expect(tables.map((t) => t.name).sort()).toEqual(Object.keys(ROLE_PRIVILEGES.tables).sort());
    expect(functions.map((f) => f.name).sort()).toEqual(Object.keys(ROLE_PRIVILEGES.functions).sort());
    for (const role of ROLES) {
      const granted = await target.admin((s) => s.query<{ name: string; privilege: TablePrivilege }>(`
        SELECT c.relname AS name, p AS privilege FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
          unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) AS p
        WHERE n.nspname = 'cutter' AND c.relkind = 'r' AND has_table_privilege($1, c.oid, p) ORDER BY 1, 2`, [role]));
      const declared = Object.entries(ROLE_PRIVILEGES.tables).flatMap(([name, grants]) => (grants[role]?.privileges ?? []).filter((p) => !(p === 'INSERT' && grants[role]?.insertColumns !== undefined)).map((privilege) => ({ name, privilege })));
      expect(granted.rows, role).toEqual(declared.sort((a, b) => (a.name === b.name ? a.privilege.localeCompare(b.privilege) : a.name.localeCompare(b.name))));
      const executable = await target.admin((s) => s.query<{ name: string }>(`
        SELECT p.proname AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'cutter' AND has_function_privilege($1, p.oid, 'EXECUTE') ORDER BY 1`, [role]));
      expect(executable.rows.map((r) => r.name), role).toEqual(Object.entries(ROLE_PRIVILEGES.functions).filter(([, f]) => f.roles.includes(role)).map(([name]) => name).sort());
    }
    const columns = await target.admin((s) => s.query<{ name: string }>(`
      SELECT attname AS name FROM pg_attribute WHERE attrelid = 'cutter.iu_versions'::regclass AND attnum > 0 AND NOT attisdropped
        AND has_column_privilege('cutter_exec', 'cutter.iu_versions'::regclass, attname, 'INSERT') ORDER BY attnum`));
    expect(columns.rows.map((r) => r.name)).toEqual(ROLE_PRIVILEGES.tables.iu_versions?.[DbRole.Exec]?.insertColumns);
  });

  /** Every write the table does not give `role`, as SQL. */
  function forbiddenWrites(role: DbRole): string[] {
    const statements: string[] = [];
    for (const { name, firstColumn } of tables) {
      const grant = ROLE_PRIVILEGES.tables[name]?.[role];
      for (const write of WRITES) {
        if (grant?.privileges.includes(write) === true && !(write === 'INSERT' && grant.insertColumns !== undefined)) continue;
        if (write === 'INSERT' && grant?.insertColumns !== undefined) {
          // Allowed columns only: naming any other is refused (a version enters as a draft, with no decision or successor).
          for (const column of ['status', 'review_decision_id', 'superseded_by', 'retired_by', 'id', 'created_at']) {
            statements.push(`INSERT INTO cutter.${name} (address, version, title, body, content_hash, change_set_id, ${column}) VALUES ('a/b', 1, 't', 'b', repeat('0', 64), 'cs', DEFAULT)`);
          }
        } else if (write === 'INSERT') statements.push(`INSERT INTO cutter.${name} DEFAULT VALUES`);
        else if (write === 'UPDATE') statements.push(`UPDATE cutter.${name} SET ${firstColumn} = ${firstColumn} WHERE false`);
        else if (write === 'DELETE') statements.push(`DELETE FROM cutter.${name} WHERE false`);
        else statements.push(`TRUNCATE cutter.${name}`);
      }
    }
    for (const { name, call } of functions) if (ROLE_PRIVILEGES.functions[name]?.roles.includes(role) !== true) statements.push(call);
    return statements;
  }

  it.each(ROLES.flatMap((role) => (['set-role', 'login'] as Becoming[]).map((how) => [role, how] as const)))('every write not in the table is denied to %s (%s)', async (role, how) => {
    const statements = forbiddenWrites(role);
    expect(statements.length).toBeGreaterThan(60);
    const codes = await attemptAllAs(how, role, dsn, logins, statements);
    const outcomes = statements.map((sql, i) => `${codes[i] ?? 'allowed'} ← ${sql}`);
    expect(outcomes.filter((o) => !o.startsWith('42501 '))).toEqual([]);
  }, 60_000);

  it.each(['set-role', 'login'] as Becoming[])('what the grants allow but the lifecycle forbids is refused by the functions (%s)', async (how) => {
    await target.reset();
    const exec = (sql: string, params: unknown[] = []) => attemptAs(how, DbRole.Exec, dsn, logins, sql, params);
    const verify = (sql: string, params: unknown[] = []) => attemptAs(how, DbRole.Verify, dsn, logins, sql, params);
    // A draft enters; it cannot be enacted without a recorded verification, whoever asks.
    expect(await exec("INSERT INTO cutter.iu_versions (address, version, title, body, content_hash, change_set_id) VALUES ('kb/a', 1, 't', 'b', repeat('0', 64), 'cs-1')")).toBeNull();
    expect(await exec("SELECT * FROM cutter.fn_enact_addresses('cs-1', 'RD-1', 'run-1', ARRAY['kb/a'])")).toBe('CR003');
    // A phase record that the database does not bear out is refused; a role records only its own phases.
    expect(await exec("SELECT cutter.fn_record_exec_phase('run-1', 'preWriteBackup', 'cs-1', '{\"backupId\": \"forged\", \"sha256\": \"00\"}')")).toBe('CR002');
    expect(await exec("SELECT cutter.fn_record_exec_phase('run-1', 'legBRecord', 'cs-1', '{\"ledgerEntryId\": \"999\", \"recordHash\": \"00\"}')")).toBe('CR002');
    expect(await exec("SELECT cutter.fn_record_exec_phase('run-1', 'writeVerify', 'cs-1', '{}')")).toBe('42501');
    expect(await verify("SELECT cutter.fn_record_verify_phase('run-1', 'cutLegA', 'cs-1', '{\"created\": 0}')")).toBe('42501');
    // Another process's run: its lease is not given back without its hold token.
    await target.admin((s) => s.exec(`INSERT INTO cutter.run_holds (run_id, token, pid, host, command, expires_at) VALUES ('run-held', 'tok', 1, 'h', 'cutter approve', now() + interval '1 minute');
      INSERT INTO cutter.target_lock (run_id, holder, expires_at) VALUES ('run-held', 'h:1', now() + interval '1 minute')`));
    expect(await exec("SELECT cutter.fn_release_target_held('run-held', NULL)")).toBe('CR001');
    expect(await exec("SELECT cutter.fn_release_target_held('run-held', 'wrong')")).toBe('CR001');
    expect(await exec("SELECT cutter.fn_release_target_held('run-held', 'tok')")).toBeNull();
  }, 60_000);

  it('the schema owner too cannot enact a draft without a review decision and a recorded SG_2 pass', async () => {
    await target.reset();
    const owner = new pg.Client({ connectionString: dsn });
    await owner.connect();
    try {
      await owner.query("INSERT INTO cutter.iu_versions (address, version, title, body, content_hash, change_set_id) VALUES ('kb/o', 1, 't', 'b', repeat('0', 64), 'cs-o')");
      await expect(owner.query("UPDATE cutter.iu_versions SET status = 'enacted', review_decision_id = 'RD' WHERE address = 'kb/o'")).rejects.toMatchObject({ code: '23514', message: expect.stringMatching(/no recorded SG_2 pass/) });
      await owner.query("INSERT INTO cutter.gate_passes (change_set_id, gate, run_id, review_decision_id) VALUES ('cs-o', 'SG_2', 'run-o', 'RD')");
      await expect(owner.query("UPDATE cutter.iu_versions SET status = 'enacted' WHERE address = 'kb/o'")).rejects.toMatchObject({ code: '23514', message: expect.stringMatching(/needs a review decision/) });
      await owner.query("UPDATE cutter.iu_versions SET status = 'enacted', review_decision_id = 'RD' WHERE address = 'kb/o'");
    } finally {
      await owner.end();
    }
  });
});
