import { defineConfig } from 'vitest/config';

/**
 * The tests Stryker runs against each mutant of the safety core: the in-process tiers, and the adapter's integration
 * tests on the embedded database (no server needed). Type-checking is off: mutants are judged by behaviour.
 */
export default defineConfig({
  test: {
    include: [
      'test/unit/**/*.test.ts',
      'test/model/every-path.test.ts',
      'test/property/**/*.test.ts',
      'test/integration/postgres-adapter.test.ts',
      'test/integration/pinned-plan.test.ts',
    ],
    exclude: ['test/unit/chart/**', 'test/unit/cli/**'],
    typecheck: { enabled: false },
    env: { CUTTER_TEST_DATABASE_URL: '' },
  },
});
