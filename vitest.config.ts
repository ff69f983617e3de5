import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Kill-switch and environment state are process-global; isolate each file.
    isolate: true,
    typecheck: { enabled: true, include: ['test/types/**/*.test-d.ts'] },
  },
});
