/**
 * Captures the run fixtures of this build's snapshot version (`npm run fixtures:capture`): for every parking state in
 * test/support/run-fixtures/scenarios.ts, a fresh embedded target with a history and one run parked there, dumped
 * whole into test/fixtures/runs/v<RUN_SNAPSHOT_VERSION>/<scenario>.json. Each dump is then loaded into another fresh
 * target and carried to its end by this build, and that end is recorded with it: later builds must end it the same.
 *
 * Fixtures of a released version are history: the script refuses to overwrite them unless given --force.
 *   --only <name>   capture one scenario (for looking at it; still refuses to overwrite without --force)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RUN_SNAPSHOT_VERSION } from '../machines/snapshot-version.js';
import { verifyLedgerChain } from '../src/domain/ledger-chain.js';
import { InMemoryKillSwitch } from '../src/kill-switch/index.js';
import { applyMigrations, schemaVersionOf } from '../src/postgres/migrations/index.js';
import { openEmbeddedDatabase, type EmbeddedDatabase } from '../src/postgres/providers/pglite-provider.js';
import { PostgresRunStore } from '../src/postgres/run-store.js';
import { readLedger } from '../src/postgres/sql/ledger.js';
import { restoreRun } from '../src/runs/durable-run.js';
import { policy } from '../test/support/fixtures.js';
import { driveToEnd } from '../test/support/run-fixtures/drive-to-end.js';
import { FIXTURES_ROOT, targetOutcome, type RunFixture } from '../test/support/run-fixtures/fixture-file.js';
import { adapterFor, makeHistory, parkScenario, SCENARIOS, type Scenario } from '../test/support/run-fixtures/scenarios.js';
import { dumpCutterTables, loadCutterTables, type TableRows } from '../test/support/target-dump.js';

const args = process.argv.slice(2);
const force = args.includes('--force');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const outDir = join(FIXTURES_ROOT, `v${RUN_SNAPSHOT_VERSION}`);

async function withEmbedded<T>(work: (db: EmbeddedDatabase) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'cutter-fixture-'));
  const db = await openEmbeddedDatabase(dir);
  try {
    return await work(db);
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** A fresh target with the history and the scenario's run parked; its dump. */
async function park(scenario: Scenario, runId: string): Promise<{ tables: TableRows; schemaVersion: number; parkedAt: string }> {
  return withEmbedded(async (db) => {
    await db.admin((s) => applyMigrations(s));
    await db.admin((s) => s.query("UPDATE cutter.kill_switch SET enabled = true, changed_by = 'fixture', reason = 'fixture capture'"));
    const store = new PostgresRunStore((work) => db.admin(work));
    await makeHistory(db, store);
    const run = await parkScenario(scenario, db, store, runId);
    // Let what a finished run gives back on its own (its lease) settle before the target is read.
    await new Promise((r) => setTimeout(r, 200));
    // The process that parked the run is gone by the time anyone restores it: its hold (if it kept one, as a crash
    // does) has lapsed. Stored so, the fixture restores at once.
    await db.admin((s) => s.query("UPDATE cutter.run_holds SET expires_at = since"));
    const tables = await db.admin((s) => dumpCutterTables(s));
    const schemaVersion = await db.admin((s) => schemaVersionOf(s));
    const parkedAt = (await store.find(runId))?.run.state ?? '?';
    run.stop();
    return { tables, schemaVersion, parkedAt };
  });
}

/** Loads the dump into another fresh target and carries the run to its end with this build. */
async function end(scenario: Scenario, runId: string, tables: TableRows, schemaVersion: number): Promise<RunFixture['end']> {
  return withEmbedded(async (db) => {
    await db.admin((s) => applyMigrations(s, { upTo: schemaVersion }));
    await db.admin((s) => loadCutterTables(s, tables));
    const store = new PostgresRunStore((work) => db.admin(work));
    const killSwitch = new InMemoryKillSwitch(true);
    const run = await restoreRun({ store, runId, approvals: policy, killSwitch, ...(scenario.mode === 'LIVE' ? { executor: adapterFor(db, killSwitch) } : {}) });
    const { view, steps } = await driveToEnd(run);
    await new Promise((r) => setTimeout(r, 200));
    const target = await db.admin((s) => targetOutcome(s, async (session) => verifyLedgerChain(await readLedger(session)).ok));
    return { status: view.output?.status ?? view.state, steps, target };
  });
}

const git = (...a: string[]) => execFileSync('git', a, { encoding: 'utf8' }).trim();
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

if (existsSync(outDir) && !force) {
  console.error(`${outDir} exists: fixtures of snapshot version ${RUN_SNAPSHOT_VERSION} are history and are not rewritten (--force to overwrite)`);
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
for (const scenario of SCENARIOS.filter((s) => only === undefined || s.name === only)) {
  const runId = `fixture-${scenario.name}`;
  const parked = await park(scenario, runId);
  const ended = await end(scenario, runId, parked.tables, parked.schemaVersion);
  const fixture: RunFixture = {
    name: scenario.name,
    description: scenario.description,
    capturedWith: { snapshotVersion: RUN_SNAPSHOT_VERSION, schemaVersion: parked.schemaVersion, cutter: pkg.version, commit: git('rev-parse', '--short', 'HEAD'), at: new Date().toISOString() },
    runId,
    mode: scenario.mode,
    parkedAt: parked.parkedAt,
    end: ended,
    tables: parked.tables,
  };
  writeFileSync(join(outDir, `${scenario.name}.json`), `${JSON.stringify(fixture, null, 2)}\n`);
  console.log(`${scenario.name.padEnd(28)} parked at ${parked.parkedAt.padEnd(34)} ends ${ended.status} (${ended.steps.join(', ') || 'as it is'})`);
}
