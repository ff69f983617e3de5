/**
 * The streamed LIVE run's process runs compiled JavaScript, as the library ships (dist/ is tsc's output too), and not
 * under tsx: tsx's loader (its transformer, caches and source maps) added about 70 MB to that process's peak RSS at
 * 100k rows, which is tsx's memory and not Cutter's. tsc compiles bench/streamed-child.ts and everything it imports
 * (the bench's run helpers, src/, machines/) with the project's compiler options into .bench-build/ (git-ignored;
 * incremental, so a bench run with nothing changed spends a few seconds of CPU on it).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The compiled child (streamed-child.ts), forked by streamed-process.ts. */
export const STREAMED_CHILD_JS = join(root, '.bench-build', 'bench', 'streamed-child.js');

/** Compiles the streamed LIVE run's process (tsconfig.bench.json); throws if tsc fails. */
export function buildStreamedChild(): void {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const built = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.bench.json')], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error(`could not compile the streamed LIVE run's process (tsc -p tsconfig.bench.json exited with ${built.status ?? built.signal ?? '?'})`);
}
