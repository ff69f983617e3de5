/**
 * Mixed releases on one target (I17): a process never advances or rewrites a run stored by a newer release, never
 * writes to a target whose schema a newer release upgraded, and two processes meeting the same old run store its
 * migration once.
 */
import { describe, expect, it } from 'vitest';
import { RUN_SNAPSHOT_VERSION } from '../../machines/snapshot-version.js';
import { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import { snapshotBackupRunner } from '../../src/postgres/backups/snapshot-runner.js';
import { applyMigrations, LATEST_SCHEMA_VERSION } from '../../src/postgres/migrations/index.js';
import { PostgresLiveExecutionAdapter } from '../../src/postgres/postgres-adapter.js';
import { PostgresRunStore } from '../../src/postgres/run-store.js';
import { replayStoredRun } from '../../src/replay/replay-stored-run.js';
import { createDurableRun, restoreRun } from '../../src/runs/durable-run.js';
import type { RunStore } from '../../src/runs/run-store.js';
import { approvalFor, policy, samplePlan } from '../support/fixtures.js';
import { onDurableTarget } from '../support/durable-target.js';
import { readFixture } from '../support/run-fixtures/fixture-file.js';
import { loadFixture } from '../support/run-fixtures/load-fixture.js';
import { TARGET_KINDS, type Target } from '../support/targets.js';

const NEWER = RUN_SNAPSHOT_VERSION + 1;

describe.each(TARGET_KINDS)('mixed releases on one target, on %s', (kind) => {
  let target: Target;
  let store: PostgresRunStore;
  const killSwitch = new InMemoryKillSwitch(true);
  onDurableTarget(kind, killSwitch, (opened, runs) => { target = opened; store = runs; });

  /** The stored run as the database holds it: row, snapshot and journal. */
  const storedRun = async (runId: string) => ({
    row: await target.admin(async (s) => (await s.query('SELECT snapshot_version, state, status, snapshot, updated_at FROM cutter.runs WHERE run_id = $1', [runId])).rows[0]),
    journal: await store.journal(runId),
  });

  it('a run a newer release stored is refused with both versions named, and left exactly as it was', async () => {
    const run = await createDurableRun({ store, mode: 'DRYRUN', plan: samplePlan(2), initiator: 'carol', approvals: policy });
    run.start();
    await run.settled();
    await run.release();
    await target.admin((s) => s.query('UPDATE cutter.runs SET snapshot_version = $2 WHERE run_id = $1', [run.id, NEWER]));
    const before = await storedRun(run.id);

    const refusal = { code: 'E_SNAPSHOT_VERSION', message: expect.stringMatching(new RegExp(`snapshot version ${NEWER}, written by a newer Cutter; this build reads versions up to ${RUN_SNAPSHOT_VERSION}`)) };
    await expect(restoreRun({ store, runId: run.id, approvals: policy })).rejects.toMatchObject(refusal);
    await expect(replayStoredRun(store, run.id)).rejects.toMatchObject(refusal);
    expect(await storedRun(run.id)).toEqual(before);
  }, 60_000);

  it('a run this process holds, once a newer release has migrated it, is not rewritten by this process', async () => {
    const run = await createDurableRun({ store, mode: 'DRYRUN', plan: samplePlan(2), initiator: 'carol', approvals: policy });
    run.start();
    const atCut = await run.settled();
    await target.admin((s) => s.query('UPDATE cutter.runs SET snapshot_version = $2 WHERE run_id = $1', [run.id, NEWER]));
    const before = await storedRun(run.id);

    run.approve(approvalFor(atCut, 'SG_1'));
    await expect(run.settled()).rejects.toMatchObject({ code: 'E_SNAPSHOT_VERSION', message: expect.stringContaining(`this process writes version ${RUN_SNAPSHOT_VERSION}`) });
    expect(await storedRun(run.id)).toEqual(before);
    run.stop();
  }, 60_000);

  it('two processes meeting the same old run store its migration once; the one that lost reads it again and goes on', async () => {
    const fixture = readFixture(1, 'dryrun-at-sg2');
    await loadFixture((work) => target.admin(work), fixture);
    // The other process migrates the run between this one's read and its own migration.
    const racing: RunStore = {
      readsPinnedPlans: true,
      create: (r) => store.create(r),
      saveSnapshot: (...a) => store.saveSnapshot(...a),
      appendJournal: (...a) => store.appendJournal(...a),
      record: (...a) => store.record(...a),
      load: (id) => store.load(id),
      list: () => store.list(),
      journal: (id) => store.journal(id),
      migrate: async (runId: string, migration: Parameters<RunStore['migrate']>[1]) => {
        expect(await store.migrate(runId, { ...migration, entry: { ...migration.entry, event: { ...migration.entry.event, by: { pid: -1, host: 'the other process', cutter: 'x' } } } })).toBe(true);
        return store.migrate(runId, migration);
      },
    };
    const run = await restoreRun({ store: racing, runId: fixture.runId, approvals: policy, killSwitch });
    expect(run.view().gate).toBe('SG_2');
    run.approve(approvalFor(run.view(), 'SG_2', 'bob'));
    expect((await run.settled()).output?.status).toBe('completed');
    const migrations = (await store.journal(fixture.runId)).filter((e) => e.event.type === 'cutter.migrated');
    expect(migrations.map((e) => e.event)).toEqual([expect.objectContaining({ from: 1, to: RUN_SNAPSHOT_VERSION, by: expect.objectContaining({ host: 'the other process' }) })]);
  }, 60_000);

  it('a target whose schema a newer release upgraded is refused by init and by the adapter, and nothing is written', async () => {
    await target.admin((s) => s.query("INSERT INTO cutter.schema_migrations (version, name) VALUES (99, 'from a newer cutter')"));
    const named = { code: 'E_SCHEMA_TOO_NEW', message: expect.stringContaining(`version 99, newer than this build's ${LATEST_SCHEMA_VERSION}`) };
    await expect(target.admin((s) => applyMigrations(s))).rejects.toMatchObject(named);
    const adapter = new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: target.provider, backupRunner: snapshotBackupRunner });
    await expect(adapter.precheck({ runId: 'r', mode: 'LIVE' })).rejects.toMatchObject(named);
    const run = await createDurableRun({ store, mode: 'LIVE', plan: samplePlan(2), initiator: 'carol', approvals: policy, executor: adapter, killSwitch });
    run.start();
    expect(await run.settled()).toMatchObject({ state: 'refused', context: { error: { code: 'E_SCHEMA_TOO_NEW' }, changeSet: null } });
    expect(await target.admin(async (s) => (await s.query('SELECT count(*)::int AS n FROM cutter.pinned_plans')).rows[0])).toEqual({ n: 0 });
    await target.admin((s) => s.query('DELETE FROM cutter.schema_migrations WHERE version = 99'));
  }, 60_000);
});
