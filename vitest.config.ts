import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Kill-switch and environment state are process-global; isolate each file.
    isolate: true,
    // Builds dist/ once when stale: the CLI tests start the compiled CLI, as users run it (test/support/cli-node.ts).
    globalSetup: ['test/support/build-dist.ts'],
  },
});
