/**
 * Issue 15, least privilege for real: the production setup, a login per role (exec, verify) and the administrator's
 * DSN for init and the run store. A whole LIVE run goes through it, restored in a new store and adapter at each gate
 * (as a new CLI process would), with every phase on the login of its role; then each login is held to what it can
 * and cannot do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import { snapshotBackupRunner } from '../../src/postgres/backups/snapshot-runner.js';
import { DbRole, type ConnectionProvider } from '../../src/postgres/port.js';
import { PostgresLiveExecutionAdapter } from '../../src/postgres/postgres-adapter.js';
import { createPgConnections, type PgConnections } from '../../src/postgres/providers/pg-provider.js';
import { PostgresRunStore } from '../../src/postgres/run-store.js';
import { privilegeBoundaryOf } from '../../src/postgres/privilege-boundary.js';
import { createDurableRun, restoreRun } from '../../src/runs/durable-run.js';
import { approvalFor, policy, samplePlan } from '../support/fixtures.js';
import { attemptAs, createRoleLogins, type RoleLogins } from '../support/role-logins.js';
import { countRows, openTarget, TARGET_KINDS, type Target } from '../support/targets.js';

// Needs a PostgreSQL server (CUTTER_TEST_DATABASE_URL); skipped only without one. CI sets CUTTER_REQUIRE_POSTGRES=1,
// and then test/support/targets.ts fails the suite if the URL is missing, so this tier never skips there.
describe.runIf(TARGET_KINDS.includes('postgres'))('a LIVE run with a login per role', () => {
  let target: Target;
  let logins: RoleLogins;
  let connections: PgConnections;
  /** Who each phase session really was: its login (session_user) and role (current_user). */
  const seen: { role: DbRole; sessionUser: string; currentUser: string }[] = [];

  beforeAll(async () => {
    target = await openTarget('postgres');
    await target.reset();
    logins = await createRoleLogins(target.dsn ?? '');
    connections = createPgConnections({ dsnByRole: logins.dsnByRole });
  }, 60_000);

  afterAll(async () => {
    await connections.end();
    await logins.drop();
    await target.close();
  });

  const watching: ConnectionProvider = async (role) => {
    const session = await connections.provider(role);
    const { rows } = await session.query<{ s: string; c: string }>('SELECT session_user AS s, current_user AS c');
    seen.push({ role, sessionUser: rows[0]?.s ?? '', currentUser: rows[0]?.c ?? '' });
    return session;
  };
  /** A new store and adapter, as a new process would have: the run is restored before it is acted on. */
  const fresh = () => {
    const killSwitch = new InMemoryKillSwitch(true);
    return {
      store: new PostgresRunStore((work) => target.admin(work)),
      executor: new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: watching, backupRunner: snapshotBackupRunner }),
      killSwitch,
    };
  };

  it('completes, every phase on its own login, and says it is a privilege boundary', async () => {
    expect(privilegeBoundaryOf({ kind: 'postgres', dsn: target.dsn ?? '', dsnByRole: logins.dsnByRole })).toMatchObject({ setup: 'login-per-role', boundary: true });
    const plan = samplePlan(4, 'kb/logins');
    const created = await createDurableRun({ ...fresh(), mode: 'LIVE', plan, initiator: 'carol', approvals: policy });
    created.start();
    const atCut = await created.settled();
    expect(atCut.gate).toBe('SG_1');
    await created.release();

    const cutter = await restoreRun({ ...fresh(), runId: atCut.context.runId, approvals: policy });
    cutter.approve(approvalFor(cutter.view(), 'SG_1'));
    const atEnact = await cutter.settled();
    expect(atEnact.gate).toBe('SG_2');
    await cutter.release();

    const enactor = await restoreRun({ ...fresh(), runId: atCut.context.runId, approvals: policy });
    enactor.approve(approvalFor(enactor.view(), 'SG_2'));
    const output = await enactor.done();
    expect(output).toMatchObject({ status: 'completed' });
    expect(await countRows(target, 'iu_versions', "status = 'enacted' AND review_decision_id = 'RD-2026-042'")).toBe(4);
    expect(await countRows(target, 'gate_passes', "gate = 'SG_2' AND review_decision_id = 'RD-2026-042'")).toBe(1);

    // Every phase session logged in as its role's login and acted as that login, never by SET ROLE from another.
    expect(new Set(seen.map((s) => s.role))).toEqual(new Set([DbRole.Exec, DbRole.Verify]));
    for (const s of seen) expect(s, s.role).toMatchObject({ sessionUser: logins.loginOf[s.role], currentUser: logins.loginOf[s.role] });
  }, 60_000);

  it('each login can do its part and nothing of the other', async () => {
    const dsn = target.dsn ?? '';
    const asExec = (sql: string) => attemptAs('login', DbRole.Exec, dsn, logins, sql);
    const asVerify = (sql: string) => attemptAs('login', DbRole.Verify, dsn, logins, sql);
    // Its part: exec writes drafts; verify computes and records a verification.
    expect(await asExec("INSERT INTO cutter.iu_versions (address, version, title, body, content_hash, change_set_id) VALUES ('kb/x', 1, 't', 'b', repeat('0', 64), 'cs-x')")).toBeNull();
    expect(await asVerify("SELECT * FROM cutter.fn_record_verify('run-x', 'cs-x', 0, '')")).toBeNull();
    // Not the other's: exec cannot verify, verify cannot write or enact, and neither can record a phase or unlock a run.
    expect(await asExec("SELECT * FROM cutter.fn_record_verify('run-x', 'cs-x', 0, '')")).toBe('42501');
    expect(await asVerify("INSERT INTO cutter.iu_versions (address, version, title, body, content_hash, change_set_id) VALUES ('kb/y', 1, 't', 'b', repeat('0', 64), 'cs-y')")).toBe('42501');
    expect(await asVerify("SELECT * FROM cutter.fn_enact_addresses('cs-x', 'RD', 'run-x', ARRAY['kb/x'])")).toBe('42501');
    expect(await asExec("INSERT INTO cutter.phase_records (run_id, phase, change_set_id, result) VALUES ('run-x', 'preWriteBackup', 'cs-x', '{}')")).toBe('42501');
    expect(await asVerify("INSERT INTO cutter.phase_records (run_id, phase, change_set_id, result) VALUES ('run-x', 'writeVerify', 'cs-x', '{}')")).toBe('42501');
    expect(await asExec("UPDATE cutter.kill_switch SET enabled = true")).toBe('42501');
    expect(await asExec('DELETE FROM cutter.run_holds')).toBe('42501');
  }, 60_000);
});
