import { defineConfig } from 'vitest/config';

/** The tests Stryker runs against each mutant of the approval-policy evaluator (`npm run mutation:policy`): in-process only. */
export default defineConfig({
  test: {
    include: ['test/unit/policy/**/*.test.ts', 'test/property/policy-gates.property.test.ts', 'test/unit/runner/policy-window.test.ts'],
    typecheck: { enabled: false },
  },
});
