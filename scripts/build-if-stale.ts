/**
 * `npm start` builds only when the build is stale: tsc takes about half of `npm start`'s time, and most starts follow
 * no edit. The build is stale when dist/ has no stamp, or when anything it is made from (src/, machines/, the two
 * tsconfig files) changed after the stamp. Folders count by their own mtime too, so a deleted or renamed source file
 * (which changes no file's mtime, only its folder's) makes the build stale as well.
 *
 * Usage: `node --import tsx scripts/build-if-stale.ts` (the `start` script). Exits with tsc's code when it builds.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the build is made from, relative to the package root. */
export const BUILD_INPUTS = ['src', 'machines', 'tsconfig.json', 'tsconfig.build.json'] as const;
/** Written after a successful build, with the time the build started as its mtime. */
export const BUILD_STAMP = join('dist', '.build-stamp');

/** The newest mtime (ms) of a file, or of a folder and everything under it; 0 when it does not exist. */
function newestMtime(path: string): number {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return 0;
  }
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Why the build under `root` is stale (for the message), or null when dist/ is up to date. */
export function staleReason(root: string): string | null {
  let stamp: number;
  try {
    stamp = statSync(join(root, BUILD_STAMP)).mtimeMs;
  } catch {
    return 'no build yet';
  }
  const changed = BUILD_INPUTS.filter((input) => newestMtime(join(root, input)) > stamp);
  return changed.length === 0 ? null : `${changed.join(', ')} changed since the last build`;
}

/** Builds with tsc when stale; returns the exit code. The stamp's time is taken before tsc starts, so an edit made during the build still counts as newer. */
export function buildIfStale(root: string, build: () => number): number {
  const reason = staleReason(root);
  if (reason === null) return 0;
  process.stderr.write(`building (${reason})\n`);
  const started = new Date();
  const code = build();
  if (code !== 0) return code;
  const stamp = join(root, BUILD_STAMP);
  writeFileSync(stamp, `${started.toISOString()}\n`);
  utimesSync(stamp, started, started);
  return 0;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  process.exitCode = buildIfStale(root, () => spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' }).status ?? 1);
}
