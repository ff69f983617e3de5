import { requiredFixtures } from './run-fixtures/fixture-file.js';
import { shapeFingerprint, type MachineRelease } from '../../src/runs/upgrade/release.js';

/** A release of the machine with what it must come with: the recorded shape of each version, and its fixtures. */
export interface ReleaseRecord {
  readonly release: MachineRelease;
  /** The shape fingerprint recorded for each snapshot version released so far. */
  readonly fingerprints: Readonly<Record<number, string>>;
  /** The run fixtures committed for a snapshot version (their names). */
  readonly fixtures: (version: number) => readonly string[];
}

/**
 * What a release still lacks before it can ship without stranding the runs parked under earlier ones, each saying
 * what to add and where; empty when nothing. The machine's shape must be the one recorded for its version (else it
 * changed without a bump); every version step needs its migration; every version needs fixtures of every parking
 * state, captured by that release.
 */
export function releaseProblems({ release, fingerprints, fixtures }: ReleaseRecord): string[] {
  const { version, machine, migrations } = release;
  const problems: string[] = [];
  const shape = shapeFingerprint(machine);
  const recorded = fingerprints[version];
  if (recorded === undefined) {
    problems.push(`snapshot version ${version} has no recorded shape: record '${shape}' for it in FINGERPRINTS (test/unit/machine/snapshot-version.test.ts)`);
  } else if (recorded !== shape) {
    problems.push(
      `the machine's shape (its states, the actors they invoke, its context's fields) changed since snapshot version ${version} was released: ` +
      `bump RUN_SNAPSHOT_VERSION to ${version + 1} (machines/snapshot-version.ts), add the migration from ${version} to ${version + 1} to SNAPSHOT_MIGRATIONS ` +
      `(machines/snapshot-migrations.ts: states renamed or gone, invoke ids renamed, context fields with their defaults), record '${shape}' for version ${version + 1} ` +
      'in FINGERPRINTS, and capture the new version\'s fixtures with `npm run fixtures:capture`',
    );
  }
  for (let v = 1; v < version; v += 1) {
    if (!migrations.some((m) => m.from === v && m.to === v + 1)) {
      problems.push(`snapshot version ${v + 1} has no migration from ${v}: add { from: ${v}, to: ${v + 1}, summary, ... } to SNAPSHOT_MIGRATIONS (machines/snapshot-migrations.ts), or every run parked under version ${v} is stranded`);
    }
  }
  for (const m of migrations) {
    if (m.to !== m.from + 1 || m.to > version) problems.push(`the migration from ${m.from} to ${m.to} is not one step up to a released version (at most ${version})`);
  }
  for (let v = 1; v <= version; v += 1) {
    const present = fixtures(v);
    const missing = requiredFixtures(v).filter((name) => !present.includes(name));
    if (missing.length > 0) {
      problems.push(`snapshot version ${v} has no run fixtures of ${missing.join(', ')}: capture them with \`npm run fixtures:capture\` while the build is at version ${v} (test/fixtures/runs/v${v}/)`);
    }
  }
  return problems;
}
