import { join } from 'node:path';

/**
 * Node arguments that run the `cutter` CLI in a child process as a user runs it: the compiled build in dist/ (what
 * `npx cutter` and the `bin` entry run), not the sources under tsx. The suite's global setup builds dist/ when it is
 * older than its sources (test/support/build-dist.ts), so the build is always this checkout's. Compiled, a CLI
 * process starts in about 0.7 s where tsx takes about 1.6 s, and the suite starts a few hundred of them.
 */
export function cliNodeArgs(...args: string[]): string[] {
  return [join(process.cwd(), 'dist', 'src', 'cli', 'main.js'), ...args];
}
