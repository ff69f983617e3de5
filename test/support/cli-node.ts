import { join } from 'node:path';

/**
 * V8 flags for the suite's short-lived child processes: compile WebAssembly (PGlite, the embedded target) with the
 * baseline compiler only. A `cutter` command on an embedded database is mostly PGlite's start-up, and V8 spends more
 * CPU optimising its 9 MB module in the background than the command runs: `cutter status` took 2.6 s of CPU by default
 * and 1.8 s with this flag; `cli-policy` and `cli-upgrade` together went from 88 s to 63 s. Only how fast the code
 * runs changes, never what it does. Users' processes run with V8's defaults.
 */
export const CHILD_V8_FLAGS: readonly string[] = ['--liftoff-only'];

/**
 * Node arguments that run the `cutter` CLI in a child process as a user runs it: the compiled build in dist/ (what
 * `npx cutter` and the `bin` entry run), not the sources under tsx. The suite's global setup builds dist/ when it is
 * older than its sources (test/support/build-dist.ts), so the build is always this checkout's. Compiled, a CLI
 * process starts in about 0.7 s where tsx takes about 1.6 s, and the suite starts a few hundred of them.
 */
export function cliNodeArgs(...args: string[]): string[] {
  return [...CHILD_V8_FLAGS, join(process.cwd(), 'dist', 'src', 'cli', 'main.js'), ...args];
}
