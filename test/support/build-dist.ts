/**
 * Vitest global setup: builds dist/ before any test file runs, when it is older than what it is made from (the same
 * check as `npm start`'s), so the tests that start the CLI as a child process (test/support/cli-node.ts) run this
 * checkout's code. It runs once, before the workers start, so no test ever reads dist/ while tsc writes it.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buildIfStale } from '../../scripts/build-if-stale.js';

export default function setup(): void {
  const root = process.cwd();
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const code = buildIfStale(root, () => spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' }).status ?? 1);
  if (code !== 0) throw new Error(`the build for the CLI tests failed (tsc exited ${code}): fix the type errors above, then run the tests again`);
}
