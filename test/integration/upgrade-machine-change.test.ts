/**
 * I17 against a deliberate machine change: a release that renames SG_2's state and enactment's invoke id.
 * - With its migration, every committed fixture (of every version) restores under it, ends as its release ended it,
 *   and its journal (old events brought over by the same migration) replays to the stored run.
 * - Without it, no parked run hangs or is lost: each restores `stranded`, its error names both versions and why, and
 *   cancelling it ends it, through SG_3 and compensation wherever it may have written, leaving none of its change
 *   set's versions live and the history as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SNAPSHOT_MIGRATIONS } from '../../machines/snapshot-migrations.js';
import { RUN_SNAPSHOT_VERSION } from '../../machines/snapshot-version.js';
import { verifyLedgerChain } from '../../src/domain/ledger-chain.js';
import { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import { PostgresRunStore } from '../../src/postgres/run-store.js';
import { readLedger } from '../../src/postgres/sql/ledger.js';
import { assertReplayMatches, replayStoredRun } from '../../src/replay/replay-stored-run.js';
import { restoreRun } from '../../src/runs/durable-run.js';
import type { MachineRelease } from '../../src/runs/upgrade/release.js';
import { approvalFor, policy } from '../support/fixtures.js';
import { driveToEnd } from '../support/run-fixtures/drive-to-end.js';
import { allFixtures, targetOutcome, type RunFixture } from '../support/run-fixtures/fixture-file.js';
import { loadFixture } from '../support/run-fixtures/load-fixture.js';
import { machineWithRenames, RENAMED_ENACT_GATE } from '../support/run-fixtures/renamed-machine.js';
import { adapterFor, HISTORY_RUN_ID } from '../support/run-fixtures/scenarios.js';
import { openTarget, TARGET_KINDS, type Target } from '../support/targets.js';

const renamed = machineWithRenames(RENAMED_ENACT_GATE);
const NEXT = RUN_SNAPSHOT_VERSION + 1;
const WITH_MIGRATION: MachineRelease = { version: NEXT, machine: renamed, migrations: [...SNAPSHOT_MIGRATIONS, RENAMED_ENACT_GATE.migration] };
const WITHOUT_MIGRATION: MachineRelease = { version: NEXT, machine: renamed, migrations: SNAPSHOT_MIGRATIONS };

const FIXTURES = allFixtures().map((f) => [`v${f.capturedWith.snapshotVersion} ${f.name}`, f] as const);
const PARKED = FIXTURES.filter(([, f]) => f.end.steps.length > 0 || !['completed', 'compensated'].includes(f.parkedAt));

describe.each(TARGET_KINDS)('a release that renames a state and an invoke id, on %s', (kind) => {
  let target: Target;
  beforeAll(async () => { target = await openTarget(kind); }, 60_000);
  afterAll(async () => { await target.close(); });

  const restore = async (fixture: RunFixture, release: MachineRelease) => {
    await loadFixture((work) => target.admin(work), fixture);
    const store = new PostgresRunStore((work) => target.admin(work));
    const killSwitch = new InMemoryKillSwitch(true);
    const run = await restoreRun({ store, runId: fixture.runId, approvals: policy, killSwitch, ...(fixture.mode === 'LIVE' ? { executor: adapterFor(target, killSwitch) } : {}) }, release);
    return { store, run };
  };

  it.each(FIXTURES)('with its migration, %s restores, ends as its release ended it, and replays', async (_, fixture) => {
    const { store, run } = await restore(fixture, WITH_MIGRATION);
    const { view, steps } = await driveToEnd(run);
    expect(view.output?.status).toBe(fixture.end.status);
    expect(steps).toEqual(fixture.end.steps);
    expect(await target.admin((s) => targetOutcome(s, async (session) => verifyLedgerChain(await readLedger(session)).ok))).toEqual(fixture.end.target);
    expect((await store.find(fixture.runId))?.run.snapshotVersion).toBe(NEXT);
    const migrated = (await store.journal(fixture.runId)).filter((e) => e.event.type === 'cutter.migrated').map((e) => e.event);
    expect(migrated).toEqual([expect.objectContaining({ from: fixture.capturedWith.snapshotVersion, to: NEXT, outcome: 'migrated' })]);
    assertReplayMatches(await replayStoredRun(store, fixture.runId, WITH_MIGRATION));
    // The history run was never restored: it is replayed as this release would carry it, migrated in memory only.
    assertReplayMatches(await replayStoredRun(store, HISTORY_RUN_ID, WITH_MIGRATION));
    expect((await store.find(HISTORY_RUN_ID))?.run.snapshotVersion).toBe(fixture.capturedWith.snapshotVersion);
  }, 60_000);

  it.each(PARKED)('without it, %s is stranded, says why, and cancelling it leaves nothing of it live', async (_, fixture) => {
    const { store, run } = await restore(fixture, WITHOUT_MIGRATION);
    const stranded = run.view();
    expect(stranded).toMatchObject({ state: 'stranded', parked: true });
    expect(stranded.context.error).toMatchObject({ code: 'E_RUN_STRANDED', message: expect.stringMatching(new RegExp(`snapshot version ${fixture.capturedWith.snapshotVersion} and cannot continue under version ${NEXT}: this build has no migration from snapshot version ${RUN_SNAPSHOT_VERSION} to ${NEXT}`)) });
    expect((await store.find(fixture.runId))?.run).toMatchObject({ state: 'stranded', snapshotVersion: NEXT });
    const changeSetId = stranded.context.changeSet?.changeSetId;

    run.cancel('dave', 'the upgrade cannot carry it');
    let view = await run.settled();
    if (view.gate === 'SG_3') {
      run.approve(approvalFor(view, 'SG_3', 'erin'));
      view = await run.settled();
    }
    expect(view.output?.status).toBe(stranded.context.approvals.SG_1 === undefined ? 'cancelled' : 'compensated');
    const live = await target.admin((s) => s.query<{ n: number }>("SELECT count(*)::int AS n FROM cutter.iu_versions WHERE change_set_id = $1 AND status IN ('draft', 'enacted')", [changeSetId]));
    expect(live.rows[0]?.n).toBe(0);
    const outcome = await target.admin((s) => targetOutcome(s, async (session) => verifyLedgerChain(await readLedger(session)).ok));
    expect(outcome.ledgerChainOk).toBe(true);
    // What is live is the history, as it was before the stranded run: its two versions, enacted.
    const history = historyChangeSet(fixture);
    expect(outcome.ius.filter((line) => line.includes(' enacted '))).toEqual([`handbook/backups/restore-drill v1 enacted ${history}`, `handbook/backups/retention v1 enacted ${history}`]);
    assertReplayMatches(await replayStoredRun(store, fixture.runId, WITHOUT_MIGRATION));
  }, 60_000);

  it('without it, a run that ended under an earlier release is not restored: there is nothing to continue', async () => {
    const ended = FIXTURES.find(([, f]) => f.parkedAt === 'compensated')?.[1];
    if (ended === undefined) throw new Error('no fixture of an ended run');
    await expect(restore(ended, { ...WITHOUT_MIGRATION, machine: machineWithRenames({ ...RENAMED_ENACT_GATE, states: { compensated: 'reverted' } }) })).rejects.toMatchObject({ code: 'E_SNAPSHOT_VERSION', message: expect.stringContaining('ended (compensated)') });
  }, 60_000);
});

/** The history's change set id, as the fixture's target holds it. */
function historyChangeSet(fixture: RunFixture): string {
  const row = fixture.tables.change_sets?.find((r) => r.run_id === HISTORY_RUN_ID);
  return String(row?.change_set_id);
}
