/**
 * The predecessor's TestProductionAdapterTransaction checks, and the adapter's other promises, on a real database:
 * PGlite always, PostgreSQL when CUTTER_TEST_DATABASE_URL is set (I5, I3's database lock, I7, exactly-once replay).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pinChangeSet } from '../../src/domain/change-set.js';
import { contentDigestOf } from '../../src/domain/change-set.js';
import { validateCutplan, type Cutplan } from '../../src/domain/cutplan.js';
import { Mode } from '../../src/domain/mode.js';
import { verifyLedgerChain } from '../../src/domain/ledger-chain.js';
import { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import { snapshotBackupRunner, restoreSnapshot } from '../../src/postgres/backups/snapshot-runner.js';
import type { ConnectionProvider } from '../../src/postgres/port.js';
import { LATEST_SCHEMA_VERSION } from '../../src/postgres/migrations/index.js';
import { PostgresLiveExecutionAdapter } from '../../src/postgres/postgres-adapter.js';
import { readLedger } from '../../src/postgres/sql/ledger.js';
import { previewRevert } from '../../src/postgres/sql/revert.js';
import { setDatabaseKillSwitch } from '../../src/postgres/sql/kill-switch.js';
import { samplePlan } from '../support/fixtures.js';
import { verified } from '../support/executors.js';
import { countRows, openTarget, TARGET_KINDS, type Target } from '../support/targets.js';

describe.each(TARGET_KINDS)('PostgresLiveExecutionAdapter on %s', (kind) => {
  let target: Target;
  const killSwitch = new InMemoryKillSwitch(true);
  const connectCalls: string[] = [];
  const countingProvider: ConnectionProvider = (role) => { connectCalls.push(role); return target.provider(role); };
  const adapter = (options: { chunkSize?: number } = {}) =>
    new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: countingProvider, backupRunner: snapshotBackupRunner, ...options });
  const ctxFor = (plan: Cutplan, runId = 'run-a') => ({ runId, mode: Mode.Live, changeSet: pinChangeSet(plan, runId) });

  beforeAll(async () => { target = await openTarget(kind); }, 60_000);
  afterAll(async () => { await target.close(); });
  beforeEach(async () => {
    await target.reset();
    killSwitch.turnOn();
    connectCalls.length = 0;
  });

  it('commit path: one transaction creates every draft, the change set, the phase record and the lifecycle log', async () => {
    const plan = samplePlan(5);
    const ctx = ctxFor(plan);
    const results = await adapter({ chunkSize: 2 }).cutLegA(ctx, plan.rows);
    expect(results.map((r) => [r.address, r.version, r.status])).toEqual(plan.rows.map((r) => [r.address, 1, 'created']));
    expect(await countRows(target, 'iu_versions', "status = 'draft' AND change_set_id = $1", [ctx.changeSet.changeSetId])).toBe(5);
    expect(await countRows(target, 'change_sets')).toBe(1);
    expect(await countRows(target, 'phase_records', "phase = 'cutLegA'")).toBe(1);
    expect(await countRows(target, 'lifecycle_log', "to_status = 'draft' AND from_status IS NULL")).toBe(5);
  });

  it('failure at row K: StopInvariantFailed names the row, and nothing of the phase remains', async () => {
    const plan = samplePlan(5);
    // An open draft from another change set at row 3's address makes that row come back 'conflict'.
    const blocker = validateCutplan([plan.rows[2]].map((r) => ({ address: r?.address, title: 'Other', body: 'Other draft' })));
    await adapter().cutLegA(ctxFor(blocker, 'run-other'), blocker.rows);
    await adapter().releaseTarget({ runId: 'run-other' });
    const before = await countRows(target, 'iu_versions');
    const ctx = ctxFor(plan);
    await expect(adapter({ chunkSize: 2 }).cutLegA(ctx, plan.rows)).rejects.toMatchObject({
      code: 'E_STOP_INVARIANT', address: plan.rows[2]?.address, status: 'conflict',
    });
    expect(await countRows(target, 'iu_versions')).toBe(before);
    expect(await countRows(target, 'iu_versions', 'change_set_id = $1', [ctx.changeSet.changeSetId])).toBe(0);
    expect(await countRows(target, 'change_sets', 'change_set_id = $1', [ctx.changeSet.changeSetId])).toBe(0);
    expect(await countRows(target, 'phase_records', 'run_id = $1', ['run-a'])).toBe(0);
  });

  it('rows without body or title are refused before any connection is made', async () => {
    const plan = samplePlan(2);
    const row = plan.rows[0];
    if (row === undefined) throw new Error('fixture');
    await expect(adapter().cutLegA(ctxFor(plan), [{ ...row, body: '' }])).rejects.toMatchObject({ code: 'E_STOP_INVARIANT' });
    await expect(adapter().cutLegA(ctxFor(plan), [{ ...row, title: ' ' }])).rejects.toMatchObject({ code: 'E_STOP_INVARIANT' });
    expect(connectCalls).toEqual([]);
  });

  it('enact: drafts become enacted, the previous version is superseded, and the trigger logs every move', async () => {
    const first = samplePlan(3);
    const a = adapter();
    const ctx1 = ctxFor(first, 'run-1');
    await a.cutLegA(ctx1, first.rows);
    await verified(a, ctx1, first.rows); // the database enacts only a verified change set
    const r1 = await a.lifecycleEnact(ctx1, { addresses: first.rows.map((r) => r.address), reviewDecisionId: 'RD-1' });
    expect(r1).toMatchObject({ supersededCount: 0, lifecycleLogRows: 3 });
    await a.releaseTarget(ctx1);

    const second = validateCutplan(first.rows.map((r) => ({ address: r.address, title: r.title, body: `${r.body}\n\nRevised.` })));
    const ctx2 = ctxFor(second, 'run-2');
    await a.cutLegA(ctx2, second.rows);
    await verified(a, ctx2, second.rows); // the database enacts only a verified change set
    const r2 = await a.lifecycleEnact(ctx2, { addresses: second.rows.map((r) => r.address), reviewDecisionId: 'RD-2' });
    expect(r2.enacted.map((e) => [e.version, e.status])).toEqual([[2, 'enacted'], [2, 'enacted'], [2, 'enacted']]);
    expect(r2).toMatchObject({ supersededCount: 3, lifecycleLogRows: 6 });
    expect(await countRows(target, 'iu_versions', "status = 'enacted' AND version = 2 AND review_decision_id = 'RD-2'")).toBe(3);
    expect(await countRows(target, 'iu_versions', "status = 'superseded' AND superseded_by = $1", [ctx2.changeSet.changeSetId])).toBe(3);
  });

  it('failure at IU K in enact rolls the whole enactment back', async () => {
    const plan = samplePlan(4);
    const a = adapter({ chunkSize: 2 });
    const ctx = ctxFor(plan);
    await a.cutLegA(ctx, plan.rows);
    const addresses = plan.rows.map((r) => r.address);
    addresses.splice(2, 0, 'handbook/test/not-in-this-change-set');
    await verified(a, ctx, plan.rows); // the database enacts only a verified change set
    await expect(a.lifecycleEnact(ctx, { addresses, reviewDecisionId: 'RD-1' })).rejects.toMatchObject({
      code: 'E_STOP_INVARIANT', address: 'handbook/test/not-in-this-change-set', status: 'not-found',
    });
    expect(await countRows(target, 'iu_versions', "status = 'enacted'")).toBe(0);
    expect(await countRows(target, 'lifecycle_log', "to_status = 'enacted'")).toBe(0);
  });

  it('kill switch OFF: the provider is never reached', async () => {
    killSwitch.turnOff();
    const plan = samplePlan(2);
    await expect(adapter().cutLegA(ctxFor(plan), plan.rows)).rejects.toMatchObject({ code: 'E_KILL_SWITCH_OFF', lock: 'executor' });
    expect(connectCalls).toEqual([]);
  });

  it('the default collaborators refuse', async () => {
    const bare = new PostgresLiveExecutionAdapter({ killSwitch });
    const plan = samplePlan(1);
    await expect(bare.cutLegA(ctxFor(plan), plan.rows)).rejects.toMatchObject({ code: 'E_COLLABORATOR_NOT_CONFIGURED' });
    const noBackup = new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: countingProvider });
    await expect(noBackup.preWriteBackup(ctxFor(plan))).rejects.toMatchObject({ code: 'E_COLLABORATOR_NOT_CONFIGURED' });
    expect(await countRows(target, 'backups')).toBe(0);
  });

  it('the database kill switch turned OFF between two phases stops the next one, with nothing of it kept', async () => {
    const plan = samplePlan(2);
    const a = adapter();
    const ctx = ctxFor(plan);
    await a.cutLegA(ctx, plan.rows);
    await target.admin((s) => setDatabaseKillSwitch(s, false, 'operator', 'stop'));
    await expect(a.legBRecord(ctx)).rejects.toMatchObject({ code: 'E_KILL_SWITCH_OFF', lock: 'database' });
    expect(await countRows(target, 'ledger')).toBe(0);
    expect(await countRows(target, 'phase_records', "phase = 'legBRecord'")).toBe(0);
  });

  it('a phase already committed for this run is replayed from its record, never applied twice', async () => {
    const plan = samplePlan(3);
    const a = adapter();
    const ctx = ctxFor(plan);
    const first = await a.cutLegA(ctx, plan.rows);
    const again = await a.cutLegA(ctx, plan.rows);
    expect(again.map((r) => [r.address, r.version])).toEqual(first.map((r) => [r.address, r.version]));
    expect(await countRows(target, 'iu_versions')).toBe(3);
    const ledger1 = await a.legBRecord(ctx);
    const ledger2 = await a.legBRecord(ctx);
    expect(ledger2).toEqual(ledger1);
    expect(await countRows(target, 'ledger')).toBe(1);
  });

  it('cutter_verify cannot write', async () => {
    const session = await target.provider('cutter_verify');
    try {
      await session.query('BEGIN');
      await expect(session.query("INSERT INTO cutter.iu_versions (address, version, title, body, content_hash, change_set_id) VALUES ('a', 1, 't', 'b', $1, 'cs')", ['a'.repeat(64)])).rejects.toMatchObject({ code: '42501' });
      await session.query('ROLLBACK');
      await session.query('BEGIN');
      await expect(session.query("INSERT INTO cutter.ledger (kind, payload, prev_hash, record_hash) VALUES ('change-set', '{}', 'x', 'y')")).rejects.toMatchObject({ code: '42501' });
      await session.query('ROLLBACK');
      await session.query('BEGIN');
      await expect(session.query('UPDATE cutter.kill_switch SET enabled = true')).rejects.toMatchObject({ code: '42501' });
      await session.query('ROLLBACK');
    } finally {
      await session.release();
    }
  });

  it('titles and bodies with quotes, SQL, emoji, other unicode and 1 MiB are stored byte for byte', async () => {
    const big = 'ß'.repeat(512 * 1024); // 1 MiB of UTF-8 exactly
    const rows = [
      { address: 'odd/quotes', title: `It's "quoted" \\ back\\slash`, body: "'); DROP TABLE cutter.iu_versions; --" },
      { address: 'odd/unicode', title: 'Ünïcödé 🚀 emoji 𝕏 中文', body: 'Zero-width\u200Bjoiner, RTL \u202Eabc, tab\tand\r\nCRLF 👩‍👩‍👧' },
      { address: 'odd/big', title: 'One mebibyte', body: big },
    ];
    const plan = validateCutplan(rows);
    await adapter().cutLegA(ctxFor(plan), plan.rows);
    const stored = await target.admin(async (s) => (await s.query<{ address: string; title: string; body: string; content_hash: string }>('SELECT address, title, body, content_hash FROM cutter.iu_versions ORDER BY address')).rows);
    for (const row of plan.rows) {
      const found = stored.find((s) => s.address === row.address);
      expect(found?.title).toBe(row.title);
      expect(Buffer.from(found?.body ?? '', 'utf8').equals(Buffer.from(row.body, 'utf8'))).toBe(true);
      expect(found?.content_hash).toBe(row.contentHash);
    }
    expect(Buffer.byteLength(stored.find((s) => s.address === 'odd/big')?.body ?? '', 'utf8')).toBe(1024 * 1024);
  });

  it('one LIVE run per target: a second run is refused while the first holds the lease, and proceeds once it is released', async () => {
    const a = adapter();
    const first = samplePlan(1, 'lock/first');
    const second = samplePlan(1, 'lock/second');
    await a.cutLegA(ctxFor(first, 'run-1'), first.rows);
    await expect(a.cutLegA(ctxFor(second, 'run-2'), second.rows)).rejects.toMatchObject({ code: 'E_TARGET_BUSY', holderRunId: 'run-1' });
    expect(await countRows(target, 'iu_versions', "address LIKE 'lock/second%'")).toBe(0);
    await a.releaseTarget({ runId: 'run-1' });
    await a.cutLegA(ctxFor(second, 'run-2'), second.rows);
    expect(await countRows(target, 'iu_versions', "address LIKE 'lock/second%'")).toBe(1);
  });

  it('a crashed holder does not block the target for ever: its lease expires', async () => {
    const a = adapter();
    const first = samplePlan(1, 'lock/first');
    await a.cutLegA(ctxFor(first, 'run-crashed'), first.rows);
    // The holder "crashes": it never renews; the lease runs out.
    await target.admin((s) => s.query("UPDATE cutter.target_lock SET expires_at = now() - interval '1 second'"));
    const second = samplePlan(1, 'lock/second');
    await a.cutLegA(ctxFor(second, 'run-next'), second.rows);
    expect(await target.admin(async (s) => (await s.query<{ run_id: string }>('SELECT run_id FROM cutter.target_lock')).rows[0]?.run_id)).toBe('run-next');
  });

  it('verify compares count and content hashes with the plan, as cutter_verify', async () => {
    const plan = samplePlan(3);
    const a = adapter();
    const ctx = ctxFor(plan);
    await a.cutLegA(ctx, plan.rows);
    const expected = { count: 3, digest: contentDigestOf(plan.rows) };
    expect(await a.verifyResultCountFor(ctx)).toBe(3);
    expect(await a.writeVerify(ctx, expected)).toMatchObject({ ok: true, actualCount: 3, actualDigest: expected.digest });
    const other = ctxFor(plan, 'run-b'); // nothing was cut for this run's change set
    expect(await a.writeVerify(other, expected)).toMatchObject({ ok: false, actualCount: 0 });
    expect(await countRows(target, 'verify_results')).toBe(2);
  });

  it('compensation retires the change set, re-enacts what it superseded, and chains a revert record in the ledger', async () => {
    const a = adapter();
    const v1 = samplePlan(2);
    const ctx1 = ctxFor(v1, 'run-1');
    await a.cutLegA(ctx1, v1.rows);
    await a.legBRecord(ctx1);
    await verified(a, ctx1, v1.rows); // the database enacts only a verified change set
    await a.lifecycleEnact(ctx1, { addresses: v1.rows.map((r) => r.address), reviewDecisionId: 'RD-1' });
    await a.releaseTarget(ctx1);
    const v2 = validateCutplan(v1.rows.map((r) => ({ address: r.address, title: r.title, body: `${r.body} v2` })));
    const ctx2 = ctxFor(v2, 'run-2');
    await a.cutLegA(ctx2, v2.rows);
    await a.legBRecord(ctx2);
    await verified(a, ctx2, v2.rows); // the database enacts only a verified change set
    await a.lifecycleEnact(ctx2, { addresses: v2.rows.map((r) => r.address), reviewDecisionId: 'RD-2' });

    const preview = await target.admin((s) => previewRevert(s, ctx2.changeSet.changeSetId));
    expect(preview.map((p) => p.action).sort()).toEqual(['re-enact', 're-enact', 'retire-enacted', 'retire-enacted']);
    expect(await countRows(target, 'iu_versions', "status = 'enacted' AND version = 2")).toBe(2); // the preview kept nothing
    const result = await a.compensateChangeSet(ctx2);
    expect(result).toMatchObject({ removedDrafts: 0, retired: 2, reEnacted: 2, simulated: false });
    expect(await countRows(target, 'iu_versions', "status = 'enacted' AND version = 1")).toBe(2);
    expect(await countRows(target, 'iu_versions', "status = 'retired' AND version = 2")).toBe(2);
    const ledger = await target.admin((s) => readLedger(s));
    expect(ledger.map((r) => r.kind)).toEqual(['change-set', 'change-set', 'revert']);
    expect(verifyLedgerChain(ledger)).toMatchObject({ ok: true, records: 3 });
  });

  it('compensating a change set that was only cut retires its drafts and leaves earlier versions alone', async () => {
    const a = adapter();
    const plan = samplePlan(3);
    const ctx = ctxFor(plan, 'run-drafts');
    await a.cutLegA(ctx, plan.rows);
    await a.legBRecord(ctx);
    expect(await a.compensateChangeSet(ctx)).toMatchObject({ removedDrafts: 3, retired: 0, reEnacted: 0 });
    expect(await countRows(target, 'iu_versions', "status = 'retired'")).toBe(3);
    expect(await countRows(target, 'lifecycle_log', "from_status = 'draft' AND to_status = 'retired'")).toBe(3);
  });

  it('the snapshot backup is verified, and restoring it brings back the state before the cut', async () => {
    const a = adapter();
    const v1 = samplePlan(2);
    const ctx1 = ctxFor(v1, 'run-1');
    await a.cutLegA(ctx1, v1.rows);
    await a.releaseTarget(ctx1);
    const v2 = samplePlan(3, 'handbook/later');
    const ctx2 = ctxFor(v2, 'run-2');
    const backup = await a.preWriteBackup(ctx2);
    expect(backup).toMatchObject({ verified: true, simulated: false });
    expect(backup.sha256).toMatch(/^[0-9a-f]{64}$/);
    await a.cutLegA(ctx2, v2.rows);
    expect(await countRows(target, 'iu_versions')).toBe(5);
    await target.admin((s) => restoreSnapshot(s, backup.backupId));
    expect(await countRows(target, 'iu_versions')).toBe(2);
    expect(await countRows(target, 'iu_versions', 'change_set_id = $1', [ctx2.changeSet.changeSetId])).toBe(0);
  });

  it('precheck reports the schema version, and refuses a database without the schema', async () => {
    expect(await adapter().precheck({ runId: 'r', mode: Mode.Live })).toMatchObject({ target: expect.stringContaining(`cutter schema v${LATEST_SCHEMA_VERSION}`) });
    const noSchema: ConnectionProvider = async (role) => {
      const session = await target.provider(role);
      return { ...session, query: (text, params) => (text.includes('schema_migrations') ? session.query('SELECT * FROM cutter.no_such_table') : session.query(text, params)) };
    };
    const bare = new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: noSchema });
    await expect(bare.precheck({ runId: 'r', mode: Mode.Live })).rejects.toMatchObject({ code: 'E_TARGET_NOT_READY' });
  });
});
