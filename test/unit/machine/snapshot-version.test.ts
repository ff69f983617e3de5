import { describe, expect, it } from 'vitest';
import { SNAPSHOT_MIGRATIONS } from '../../../machines/snapshot-migrations.js';
import { RUN_SNAPSHOT_VERSION } from '../../../machines/snapshot-version.js';
import { CURRENT_RELEASE } from '../../../src/runs/upgrade/release.js';
import { fixtureNames, REQUIRED_FIXTURES } from '../../support/run-fixtures/fixture-file.js';
import { machineWithRenames, RENAMED_ENACT_GATE } from '../../support/run-fixtures/renamed-machine.js';
import { releaseProblems } from '../../support/release-check.js';

/**
 * The shape of the machine each snapshot version was released with (see `machineShape`: states, the actors they
 * invoke, the context's fields, the transitions). When the machine changes shape, RUN_SNAPSHOT_VERSION is bumped, its
 * migration written, its shape recorded here and its fixtures captured; the test below says which is missing.
 * Versions 1 and 2 were recorded before transitions were part of the shape (version 2's under today's definition is
 * 5c32cadd…, from the frozen copy in test/support/machines/run-machine-v2.ts); only the current version's is compared.
 */
const FINGERPRINTS: Readonly<Record<number, string>> = {
  1: 'b7b0d8ff4883bbf784b5b8fcd1d59ae2ae555751c4767ab42082c66de7d76cab',
  2: 'd221c4f9114f43fd50c051ccb312262eb18dd171fc475046446a8af0c5e69349',
  3: '7d4f9f2e4081d64b8f2548f60cc159400c29e2e57a0ec34425a0b1de1a621304',
  4: '8e6d0812391139732c15e552614faba82fd2b7585fb4252b4c6267162fa30c20',
};

const NEXT = RUN_SNAPSHOT_VERSION + 1;

describe('RUN_SNAPSHOT_VERSION', () => {
  it('comes with its recorded shape, a migration for every step, and fixtures of every parking state of every version', () => {
    expect(releaseProblems({ release: CURRENT_RELEASE, fingerprints: FINGERPRINTS, fixtures: (v) => fixtureNames(v) })).toEqual([]);
  });

  describe('fails a release that changes the machine without what must come with it, and says what to add', () => {
    const renamed = machineWithRenames(RENAMED_ENACT_GATE);
    const allFixtures = () => REQUIRED_FIXTURES;

    it('a renamed state without a bump', () => {
      const problems = releaseProblems({ release: { ...CURRENT_RELEASE, machine: renamed }, fingerprints: FINGERPRINTS, fixtures: allFixtures });
      expect(problems).toEqual([expect.stringMatching(new RegExp(`changed since snapshot version ${RUN_SNAPSHOT_VERSION} was released: bump RUN_SNAPSHOT_VERSION to ${RUN_SNAPSHOT_VERSION + 1} .* add the migration from ${RUN_SNAPSHOT_VERSION} to ${RUN_SNAPSHOT_VERSION + 1}`))]);
    });

    it('a bump without its migration', () => {
      const release = { version: NEXT, machine: renamed, migrations: SNAPSHOT_MIGRATIONS };
      const problems = releaseProblems({ release, fingerprints: { ...FINGERPRINTS, [NEXT]: 'x' }, fixtures: allFixtures });
      expect(problems).toContainEqual(expect.stringContaining(`snapshot version ${NEXT} has no migration from ${RUN_SNAPSHOT_VERSION}: add { from: ${RUN_SNAPSHOT_VERSION}, to: ${NEXT}`));
    });

    it('a bump with its migration but without fixtures of the new version', () => {
      const release = { version: NEXT, machine: renamed, migrations: [...SNAPSHOT_MIGRATIONS, RENAMED_ENACT_GATE.migration] };
      const fingerprints = { ...FINGERPRINTS, [NEXT]: releaseProblems({ release, fingerprints: {}, fixtures: allFixtures })[0]?.match(/record '([0-9a-f]{64})'/)?.[1] ?? '' };
      const problems = releaseProblems({ release, fingerprints, fixtures: (v) => (v === NEXT ? [] : REQUIRED_FIXTURES) });
      expect(problems).toEqual([expect.stringMatching(new RegExp(`^snapshot version ${NEXT} has no run fixtures of live-halted-before-backup, .*npm run fixtures:capture`))]);
      expect(releaseProblems({ release, fingerprints, fixtures: allFixtures })).toEqual([]);
    });
  });
});
