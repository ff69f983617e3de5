/**
 * Run fixtures: targets as a release of Cutter left them, with one run parked in a known state, committed under
 * test/fixtures/runs/v<snapshot version>/ and never rewritten. Each holds every row of the target's cutter schema (see
 * target-dump.ts) and how the release that captured it carried the run to its end, so that a later release can be
 * checked to restore it and end it the same way.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DbSession } from '../../../src/postgres/port.js';
import type { TableRows } from '../target-dump.js';

export const FIXTURES_ROOT = fileURLToPath(new URL('../../fixtures/runs/', import.meta.url));

/** What a target holds after a run ended: what the fixture's end is compared on. */
export interface TargetOutcome {
  /** Every IU version: `address vN status change-set`, sorted. */
  readonly ius: readonly string[];
  /** The ledger in order: `kind change-set`. */
  readonly ledger: readonly string[];
  readonly ledgerChainOk: boolean;
  /** Every phase record: `run phase`, sorted. */
  readonly phaseRecords: readonly string[];
  readonly verifiedBackups: number;
}

export interface RunFixture {
  /** File name without `.json`. */
  readonly name: string;
  readonly description: string;
  readonly capturedWith: {
    readonly snapshotVersion: number;
    readonly schemaVersion: number;
    readonly cutter: string;
    readonly commit: string;
    readonly at: string;
  };
  /** The run parked in this fixture (the target also holds a completed earlier run, its history). */
  readonly runId: string;
  readonly mode: 'LIVE' | 'DRYRUN';
  /** The state the run is parked in, as stored. */
  readonly parkedAt: string;
  /** How the capturing release carried it to its end (see drive-to-end.ts), and what the target held then. */
  readonly end: { readonly status: string; readonly steps: readonly string[]; readonly target: TargetOutcome };
  readonly tables: TableRows;
}

/** The parking states every snapshot version's fixtures must cover (the file names, without `.json`). */
export const REQUIRED_FIXTURES = [
  'live-halted-before-backup',
  'live-halted-before-cut',
  'live-at-sg1',
  'live-at-sg2',
  'live-rejected-at-sg2',
  'live-torn-enact-failed',
  'live-halted-before-ledger',
  'live-halted-before-verify',
  'live-halted-before-enact',
  'live-mid-cut-committed',
  'live-mid-cut-uncommitted',
  'live-mid-enact-committed',
  'live-compensated',
  'dryrun-at-sg1',
  'dryrun-at-sg2',
] as const;

/** Parking states a version's machine did not have yet: versions before 3 could not halt before the backup or the cut. */
const SINCE: Readonly<Partial<Record<(typeof REQUIRED_FIXTURES)[number], number>>> = {
  'live-halted-before-backup': 3,
  'live-halted-before-cut': 3,
};

/** The fixtures a snapshot version must have: every parking state its machine had. */
export function requiredFixtures(version: number): readonly (typeof REQUIRED_FIXTURES)[number][] {
  return REQUIRED_FIXTURES.filter((name) => (SINCE[name] ?? 1) <= version);
}

/** The snapshot versions that have a fixture folder (`v1`, `v2`, ...), ascending. */
export function fixtureVersions(root = FIXTURES_ROOT): number[] {
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return [];
  }
  return entries.flatMap((e) => (/^v(\d+)$/.exec(e) === null ? [] : [Number(e.slice(1))])).sort((a, b) => a - b);
}

/** The fixture names present for one version. */
export function fixtureNames(version: number, root = FIXTURES_ROOT): string[] {
  try {
    return readdirSync(join(root, `v${version}`)).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length)).sort();
  } catch {
    return [];
  }
}

export function readFixture(version: number, name: string, root = FIXTURES_ROOT): RunFixture {
  return JSON.parse(readFileSync(join(root, `v${version}`, `${name}.json`), 'utf8')) as RunFixture;
}

/** Every committed fixture, oldest version first. */
export function allFixtures(root = FIXTURES_ROOT): RunFixture[] {
  return fixtureVersions(root).flatMap((v) => fixtureNames(v, root).map((n) => readFixture(v, n, root)));
}

/** What the target holds, in the terms a fixture's end is recorded in. */
export async function targetOutcome(session: DbSession, verifyChain: (session: DbSession) => Promise<boolean>): Promise<TargetOutcome> {
  const lines = async (sql: string) => (await session.query<{ line: string }>(sql)).rows.map((r) => r.line);
  return {
    ius: await lines(`SELECT concat_ws(' ', address, 'v' || version, status, change_set_id) AS line FROM cutter.iu_versions ORDER BY address, version`),
    ledger: await lines(`SELECT concat_ws(' ', kind, change_set_id) AS line FROM cutter.ledger ORDER BY seq`),
    ledgerChainOk: await verifyChain(session),
    phaseRecords: await lines(`SELECT run_id || ' ' || phase AS line FROM cutter.phase_records ORDER BY run_id, phase`),
    verifiedBackups: Number((await session.query<{ n: string }>('SELECT count(*) AS n FROM cutter.backups WHERE verified')).rows[0]?.n ?? 0),
  };
}
