/**
 * Issue 15, "nothing unvalidated is written", on real databases:
 * - a hand-built plan that breaks a limit, handed to createRun / createDurableRun LIVE, is refused with planning's own
 *   error naming the row and field, before any connection is asked for and before anything is stored;
 * - the same rows written directly as cutter_exec (or by the run store's owner) are refused by the schema's CHECK
 *   constraints (23514), or by PostgreSQL itself for NUL (22021); rows exactly at the limits are accepted;
 * - a database error about a row inside a phase reaches the run as a code naming the row, never a bare SQLSTATE.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pinChangeSet } from '../../src/domain/change-set.js';
import type { Cutplan } from '../../src/domain/cutplan.js';
import { contentHashOf, IURowSchema, type IURow } from '../../src/domain/iu.js';
import { ADDRESS_PATTERN, PlanLimits } from '../../src/domain/limits.js';
import { Mode } from '../../src/domain/mode.js';
import { PlanInvalid } from '../../src/errors/index.js';
import { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import { snapshotBackupRunner } from '../../src/postgres/backups/snapshot-runner.js';
import type { ConnectionProvider, DbSession } from '../../src/postgres/port.js';
import { PostgresLiveExecutionAdapter } from '../../src/postgres/postgres-adapter.js';
import { PostgresRunStore } from '../../src/postgres/run-store.js';
import { applyMigrations, LATEST_SCHEMA_VERSION } from '../../src/postgres/migrations/index.js';
import { FIELD_CHECKS } from '../../src/postgres/sql/row-limits.js';
import { createRun } from '../../src/runner/create-run.js';
import { createDurableRun } from '../../src/runs/durable-run.js';
import { driveToCompletion } from '../support/drive.js';
import { policy } from '../support/fixtures.js';
import { countRows, openTarget, TARGET_KINDS, type Target } from '../support/targets.js';

const MiB = 1024 * 1024;
const row = (i: number, over: Partial<IURow> = {}): IURow => {
  const base = { address: `docs/limits/row-${i}`, title: `Row ${i}`, body: `Body of row ${i}.`, ...over };
  return { ...base, contentHash: contentHashOf(base.title, base.body) };
};
/** A plan built by hand, as a host could: the static type says Cutplan, nothing validated it. */
const handBuilt = (rows: unknown): Cutplan => ({ rows }) as unknown as Cutplan;
const emoji = '\u{1F600}'; // two UTF-16 code units, one code point, four UTF-8 bytes

/** Each limit broken, and the issue planning names for it. */
const BAD_PLANS: readonly (readonly [string, unknown, { row: number | undefined; field: string }])[] = [
  ['an address that is not a path', handBuilt([row(0), row(1, { address: 'BAD ADDR/../x' })]), { row: 1, field: 'address' }],
  ['a 3 MiB body', handBuilt([row(0), row(1, { body: 'x'.repeat(3 * MiB) })]), { row: 1, field: 'body' }],
  ['a 5,000-character title', handBuilt([row(0, { title: 'T'.repeat(5000) })]), { row: 0, field: 'title' }],
  ['a NUL byte in a body', handBuilt([row(0), row(1, { body: 'before\u0000after' })]), { row: 1, field: 'body' }],
  ['a duplicate address', handBuilt([row(0), row(1, { address: 'docs/limits/row-0' })]), { row: 1, field: 'address' }],
  ['a null plan', null, { row: undefined, field: 'plan' }],
  ['a plan without rows', {}, { row: undefined, field: 'rows' }],
  ['a null row', handBuilt([row(0), null]), { row: 1, field: 'row' }],
  ['a row missing its title and body', handBuilt([{ address: 'docs/limits/bare' }]), { row: 0, field: 'title' }],
];

describe.each(TARGET_KINDS)('plan-row limits on %s', (kind) => {
  let target: Target;
  const killSwitch = new InMemoryKillSwitch(true);
  const asked: string[] = [];
  const counting: ConnectionProvider = (role) => { asked.push(role); return target.provider(role); };
  const adapter = () => new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: counting, backupRunner: snapshotBackupRunner });

  // Emptied once: every refusal below leaves nothing behind (each test checks), so none needs a reset of its own.
  beforeAll(async () => { target = await openTarget(kind); await target.reset(); }, 60_000);
  afterAll(async () => { await target.close(); });
  beforeEach(() => { killSwitch.turnOn(); asked.length = 0; });

  /** Runs `work` on a session of `role` (SET ROLE, as the phases take it), giving the session back whatever happens. */
  const as = async <T,>(role: 'cutter_exec' | 'cutter_verify', work: (s: DbSession) => Promise<T>): Promise<T> => {
    const session = await target.provider(role);
    try {
      return await work(session);
    } finally {
      await session.release(false);
    }
  };
  const insertVersion = (s: DbSession, r: { address: string; title: string; body: string }) =>
    s.query("INSERT INTO cutter.iu_versions (address, version, title, body, content_hash, change_set_id) VALUES ($1, 1, $2, $3, $4, 'cs-direct')",
      [r.address, r.title, r.body, 'a'.repeat(64)]);

  // On every target kind: a refused plan reaches neither (no connection asked for, nothing stored).
  describe('createRun and createDurableRun, LIVE', () => {
    it.each(BAD_PLANS)('%s is refused with the planning error naming it, before any connection', (_name, plan, issue) => {
      const create = () => createRun({ mode: Mode.Live, plan: plan as Cutplan, initiator: 'carol', approvals: policy, executor: adapter(), killSwitch });
      expect(create).toThrow(PlanInvalid);
      try {
        create();
      } catch (error) {
        expect(error).toMatchObject({ code: 'E_PLAN_INVALID', phase: 'planning' });
        expect((error as PlanInvalid).issues).toContainEqual(expect.objectContaining(issue));
      }
      expect(asked).toEqual([]);
    });

    it.each(BAD_PLANS)('%s is refused by createDurableRun before the store holds anything', async (_name, plan, issue) => {
      const store = new PostgresRunStore((work) => target.admin(work));
      await expect(createDurableRun({ mode: Mode.Live, plan: plan as Cutplan, initiator: 'carol', approvals: policy, executor: adapter(), killSwitch, store }))
        .rejects.toMatchObject({ code: 'E_PLAN_INVALID', issues: expect.arrayContaining([expect.objectContaining(issue)]) });
      expect(asked).toEqual([]);
      expect(await countRows(target, 'runs')).toBe(0);
      expect(await countRows(target, 'run_plan_rows')).toBe(0);
    });

    it('a plan exactly at the limits is cut and enacted LIVE: the schema accepts what planning accepts', async () => {
      await target.reset();
      const atLimits = handBuilt([
        row(0, { address: `docs/${'a'.repeat(PlanLimits.maxAddressChars - 5)}`, title: emoji.repeat(PlanLimits.maxTitleChars / 2) }),
        // 1 MiB of UTF-8 exactly, in two-byte characters: fewer characters than bytes, as the limit counts bytes.
        row(1, { title: 'T'.repeat(PlanLimits.maxTitleChars), body: 'é'.repeat(PlanLimits.maxBodyBytes / 2) }),
      ]);
      const run = createRun({ mode: Mode.Live, plan: atLimits, initiator: 'carol', approvals: policy, executor: adapter(), killSwitch });
      run.start();
      const end = await driveToCompletion(run, await run.settled());
      expect(end.output).toMatchObject({ status: 'completed' });
      expect(await countRows(target, 'iu_versions', "status = 'enacted'")).toBe(2);
      expect(await countRows(target, 'pinned_plan_rows')).toBe(2);
      await target.reset();
    }, 30_000);
  });

  describe('direct writes are refused by the schema', () => {
    it.each([
      ['address', { address: 'BAD ADDR/../x' }, 'iu_versions_address_limit'],
      ['address', { address: `docs/${'a'.repeat(PlanLimits.maxAddressChars - 4)}` }, 'iu_versions_address_limit'],
      ['body', { body: 'x'.repeat(3 * MiB) }, 'iu_versions_body_limit'],
      ['body', { body: `${'é'.repeat(PlanLimits.maxBodyBytes / 2)}x` }, 'iu_versions_body_limit'],
      ['title', { title: 'T'.repeat(5000) }, 'iu_versions_title_limit'],
      ['title', { title: emoji.repeat(PlanLimits.maxTitleChars / 2 + 1) }, 'iu_versions_title_limit'],
    ] as const)('as cutter_exec, an INSERT into iu_versions breaking the %s limit (%#) fails with 23514', async (_field, over, constraint) => {
      await expect(as('cutter_exec', (s) => insertVersion(s, { ...row(0), ...over }))).rejects.toMatchObject({ code: '23514', constraint });
      expect(await countRows(target, 'iu_versions')).toBe(0);
    });

    it('as cutter_exec, a NUL byte is refused by PostgreSQL itself (22021): text cannot hold one', async () => {
      await expect(as('cutter_exec', (s) => insertVersion(s, row(0, { body: 'a\u0000b' })))).rejects.toMatchObject({ code: '22021' });
      expect(await countRows(target, 'iu_versions')).toBe(0);
    });

    it('as cutter_exec, rows exactly at every limit are accepted', async () => {
      const inserted = await as('cutter_exec', async (s) => {
        // In a transaction rolled back, so the other tests still find the table empty.
        await s.query('BEGIN');
        try {
          await insertVersion(s, row(0, { address: `docs/${'a'.repeat(PlanLimits.maxAddressChars - 5)}` }));
          await insertVersion(s, row(1, { title: emoji.repeat(PlanLimits.maxTitleChars / 2) }));
          await insertVersion(s, row(2, { title: 'T'.repeat(PlanLimits.maxTitleChars), body: 'é'.repeat(PlanLimits.maxBodyBytes / 2) }));
          return (await s.query<{ n: string }>('SELECT count(*) AS n FROM cutter.iu_versions')).rows[0]?.n;
        } finally {
          await s.query('ROLLBACK');
        }
      });
      expect(Number(inserted)).toBe(3);
    });

    it('as cutter_exec, a pinned plan row breaking a limit is refused; so is a stored run plan row, even for the owner', async () => {
      await expect(as('cutter_exec', (s) => s.query(
        "INSERT INTO cutter.pinned_plan_rows (run_id, ord, address, title, body, content_hash, blank) VALUES ('r', 0, 'BAD ADDR/../x', 't', 'b', $1, false)", ['a'.repeat(64)],
      ))).rejects.toMatchObject({ code: '23514', constraint: 'pinned_plan_rows_address_limit' });
      await target.admin(async (s) => {
        await s.query('BEGIN');
        try {
          await s.query("INSERT INTO cutter.runs (run_id, mode, initiator, plan_hash, state, status, snapshot_version) VALUES ('r', 'LIVE', 'carol', NULL, 'idle', 'active', 1)");
          await expect(s.query("INSERT INTO cutter.run_plan_rows (run_id, ord, address, title, body, source) VALUES ('r', 0, 'docs/a', 't', 'b', $1)", ['s'.repeat(PlanLimits.maxSourceChars + 1)]))
            .rejects.toMatchObject({ code: '23514', constraint: 'run_plan_rows_source_limit' });
        } finally {
          await s.query('ROLLBACK');
        }
      });
      expect(await countRows(target, 'pinned_plan_rows')).toBe(0);
      expect(await countRows(target, 'run_plan_rows')).toBe(0);
    });

    it("the constraints' expressions judge exactly as planning's schema does", async () => {
      const addresses = ['docs/a', 'a', 'a.b_c-d/e', 'Docs/a', 'docs//a', '/docs', 'docs/', 'docs/é', 'docs/a b', '-a', 'a/-b', '.a', 'a/.b', 'a'.repeat(512), 'a'.repeat(513), 'ǆ', 'docs/ａ'];
      const titles = ['t', 'T'.repeat(500), 'T'.repeat(501), emoji.repeat(250), emoji.repeat(251), `${emoji.repeat(249)}TT`, `${emoji.repeat(249)}TTT`, 'é'.repeat(500), 'é'.repeat(501)];
      const judge = async (field: 'address' | 'title', values: readonly string[]) => target.admin(async (s) =>
        (await s.query<{ ok: boolean }>(`SELECT (${FIELD_CHECKS[field]}) AS ok FROM unnest($1::text[]) WITH ORDINALITY AS u (${field}, n) ORDER BY n`, [values])).rows.map((r) => r.ok));
      expect(await judge('address', addresses)).toEqual(addresses.map((a) => IURowSchema.shape.address.safeParse(a).success));
      expect(addresses.map((a) => ADDRESS_PATTERN.test(a))).toContain(false);
      expect(await judge('title', titles)).toEqual(titles.map((t) => IURowSchema.shape.title.safeParse(t).success));
    });
  });

  describe('a row the database refuses inside a phase is named by a code, never a bare SQLSTATE', () => {
    // The adapter used as a host would use it directly, with rows nobody validated: the schema is the last line.
    const cut = (rows: readonly IURow[]) => {
      const plan = handBuilt(rows);
      return adapter().cutLegA({ runId: 'run-direct', mode: Mode.Live, changeSet: pinChangeSet(plan, 'run-direct', null) }, rows);
    };
    const nothingKept = async () => {
      expect(await countRows(target, 'iu_versions')).toBe(0);
      expect(await countRows(target, 'change_sets')).toBe(0);
      expect(await countRows(target, 'phase_records')).toBe(0);
    };

    it('a 3 MiB body: E_ROW_CONSTRAINT naming the constraint, the field and the row', async () => {
      await expect(cut([row(0), row(1, { body: 'x'.repeat(3 * MiB) })])).rejects.toMatchObject({
        code: 'E_ROW_CONSTRAINT', phase: 'cutLegA', constraint: 'iu_versions_body_limit', field: 'body', address: 'docs/limits/row-1',
        message: expect.stringContaining('row docs/limits/row-1 field body'),
      });
      await nothingKept();
    });

    it('a bad address: E_ROW_CONSTRAINT naming the row', async () => {
      await expect(cut([row(0, { address: 'BAD ADDR/../x' })])).rejects.toMatchObject({
        code: 'E_ROW_CONSTRAINT', constraint: 'iu_versions_address_limit', field: 'address', address: 'BAD ADDR/../x',
      });
      await nothingKept();
    });

    it('the same address twice: E_ROW_DUPLICATE naming the address', async () => {
      await expect(cut([row(0), row(1), row(2, { address: 'docs/limits/row-1' })])).rejects.toMatchObject({
        code: 'E_ROW_DUPLICATE', phase: 'cutLegA', address: 'docs/limits/row-1', field: 'address',
        message: expect.stringContaining('row docs/limits/row-1'),
      });
      await nothingKept();
    });

    it('a NUL byte: E_ROW_DATA_INVALID naming the row and the field', async () => {
      await expect(cut([row(0), row(1, { title: 'a\u0000b' })])).rejects.toMatchObject({
        code: 'E_ROW_DATA_INVALID', phase: 'cutLegA', field: 'title', address: 'docs/limits/row-1',
      });
      await nothingKept();
    });
  });
});

// Needs a PostgreSQL server (CUTTER_TEST_DATABASE_URL); skipped only without one. CI sets CUTTER_REQUIRE_POSTGRES=1,
// and then test/support/targets.ts fails the suite if the URL is missing, so this tier never skips there.
describe.runIf(TARGET_KINDS.includes('postgres'))('a LIVE run whose cut the database refuses, on postgres', () => {
  let target: Target;
  const killSwitch = new InMemoryKillSwitch(true);
  beforeAll(async () => { target = await openTarget('postgres'); }, 60_000);
  afterAll(async () => { await target.close(); });

  it('a duplicate raised inside the cut (a trigger stands in for a concurrent writer) fails the run with E_ROW_DUPLICATE naming the address', async () => {
    await target.reset();
    // As a concurrent writer's committed row would: the database refuses one address of the cut as a duplicate.
    await target.admin((s) => s.exec(`
      CREATE FUNCTION cutter.test_refuse_row() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF NEW.address = 'docs/limits/row-1' THEN
          RAISE EXCEPTION 'duplicate key value violates unique constraint "iu_versions_address_version_key"'
            USING ERRCODE = 'unique_violation', CONSTRAINT = 'iu_versions_address_version_key',
                  DETAIL = format('Key (address, version)=(%s, %s) already exists.', NEW.address, NEW.version);
        END IF;
        RETURN NEW;
      END $fn$;
      CREATE TRIGGER test_refuse_row BEFORE INSERT ON cutter.iu_versions FOR EACH ROW EXECUTE FUNCTION cutter.test_refuse_row();`));
    try {
      const executor = new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: target.provider, backupRunner: snapshotBackupRunner });
      const run = createRun({ mode: Mode.Live, plan: handBuilt([row(0), row(1), row(2)]), initiator: 'carol', approvals: policy, executor, killSwitch });
      run.start();
      const end = await driveToCompletion(run, await run.settled());
      expect(end.output).toMatchObject({
        status: 'failed', committed: [],
        error: { code: 'E_ROW_DUPLICATE', phase: 'cutLegA', message: expect.stringContaining('row docs/limits/row-1') },
      });
      expect(end.output?.error?.code).not.toMatch(/^[0-9A-Z]{5}$/);
      expect(await countRows(target, 'iu_versions')).toBe(0);
    } finally {
      await target.admin((s) => s.exec('DROP TRIGGER test_refuse_row ON cutter.iu_versions; DROP FUNCTION cutter.test_refuse_row();'));
    }
  }, 30_000);

  it('upgrading a target that already holds rows breaking a limit keeps them, and still checks every new row', async () => {
    // As issue 15 found: rows written before the limits were enforced. They are governed history, not rewritten.
    await target.admin((s) => s.exec('DROP SCHEMA cutter CASCADE'));
    await target.admin((s) => applyMigrations(s, { upTo: 9 }));
    await target.admin((s) => s.query(
      "INSERT INTO cutter.iu_versions (address, version, title, body, content_hash, change_set_id) VALUES ('BAD ADDR/../x', 1, 't', 'b', $1, 'cs-old')", ['a'.repeat(64)],
    ));
    expect(await target.admin((s) => applyMigrations(s))).toMatchObject({ version: LATEST_SCHEMA_VERSION });
    const validated = await target.admin(async (s) => Object.fromEntries((await s.query<{ conname: string; convalidated: boolean }>(
      // The IU table's limits are its content domains' constraints since migration 14 (checked on write, not on every UPDATE).
      "SELECT conname, convalidated FROM pg_constraint WHERE conname LIKE 'iu\\_versions\\_%\\_limit'",
    )).rows.map((r) => [r.conname, r.convalidated])));
    expect(validated).toEqual({ iu_versions_address_limit: false, iu_versions_title_limit: true, iu_versions_body_limit: true });
    expect(await countRows(target, 'iu_versions', "address = 'BAD ADDR/../x'")).toBe(1);
    await expect(target.admin((s) => s.query(
      "INSERT INTO cutter.iu_versions (address, version, title, body, content_hash, change_set_id) VALUES ('ALSO BAD', 1, 't', 'b', $1, 'cs-new')", ['a'.repeat(64)],
    ))).rejects.toMatchObject({ code: '23514', constraint: 'iu_versions_address_limit' });
    // Applying the migrations again changes nothing (each constraint is added only if missing).
    expect(await target.admin((s) => applyMigrations(s))).toMatchObject({ applied: [] });
  }, 30_000);
});
