/**
 * I17, upgrades never strand a parked run: every committed run fixture (a target as an earlier release left it, with a
 * run parked at a gate, halted, torn or mid-phase; see test/fixtures/runs/) is loaded into a fresh database of each
 * kind, its schema upgraded, and its run restored by this build and carried to its end the way an operator would.
 * It must end as the release that captured it ended it: the same status, the same IU versions, ledger and phase
 * records, a chain that verifies. Before and after, every run's journal replays to its stored snapshot on this
 * build's machine (replay tests over captured histories, as Temporal's are).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_SNAPSHOT_VERSION } from '../../machines/snapshot-version.js';
import { verifyLedgerChain } from '../../src/domain/ledger-chain.js';
import { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import { PostgresRunStore } from '../../src/postgres/run-store.js';
import { readLedger } from '../../src/postgres/sql/ledger.js';
import { assertReplayMatches, replayStoredRun } from '../../src/replay/replay-stored-run.js';
import { restoreRun } from '../../src/runs/durable-run.js';
import { policy } from '../support/fixtures.js';
import { driveToEnd } from '../support/run-fixtures/drive-to-end.js';
import { allFixtures, targetOutcome } from '../support/run-fixtures/fixture-file.js';
import { loadFixture } from '../support/run-fixtures/load-fixture.js';
import { adapterFor } from '../support/run-fixtures/scenarios.js';
import { openTarget, TARGET_KINDS, type Target } from '../support/targets.js';

const FIXTURES = allFixtures().map((f) => [`v${f.capturedWith.snapshotVersion} ${f.name}`, f] as const);

describe.each(TARGET_KINDS)('run fixtures of every released snapshot version, on %s', (kind) => {
  let target: Target;
  beforeAll(async () => { target = await openTarget(kind); }, 60_000);
  afterAll(async () => { await target.close(); });

  it('there are fixtures to restore', () => {
    expect(FIXTURES.length).toBeGreaterThan(0);
  });

  it.each(FIXTURES)('%s: restored by this build, it ends as its release ended it, and every journal replays', async (_, fixture) => {
    await loadFixture((work) => target.admin(work), fixture);
    const store = new PostgresRunStore((work) => target.admin(work));
    for (const stored of await store.list()) assertReplayMatches(await replayStoredRun(store, stored.runId));

    const killSwitch = new InMemoryKillSwitch(true);
    const run = await restoreRun({ store, runId: fixture.runId, approvals: policy, killSwitch, ...(fixture.mode === 'LIVE' ? { executor: adapterFor(target, killSwitch) } : {}) });
    const { view, steps } = await driveToEnd(run);
    expect(view.output?.status).toBe(fixture.end.status);
    expect(steps).toEqual(fixture.end.steps);
    expect(await target.admin((s) => targetOutcome(s, async (session) => verifyLedgerChain(await readLedger(session)).ok))).toEqual(fixture.end.target);

    const after = await store.find(fixture.runId);
    expect(after?.run.snapshotVersion).toBe(RUN_SNAPSHOT_VERSION);
    const migrations = (await store.journal(fixture.runId)).filter((e) => e.event.type === 'cutter.migrated').map((e) => e.event);
    expect(migrations).toHaveLength(fixture.capturedWith.snapshotVersion === RUN_SNAPSHOT_VERSION ? 0 : 1);
    for (const migration of migrations) expect(migration).toMatchObject({ from: fixture.capturedWith.snapshotVersion, to: RUN_SNAPSHOT_VERSION, outcome: 'migrated', by: { pid: process.pid } });
    assertReplayMatches(await replayStoredRun(store, fixture.runId));
  }, 60_000);
});
