import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The root of the git work tree holding `path`, found by walking up for `.git` (a folder, or a file in a linked
 * worktree or submodule), or null when it is in none. No git binary is needed.
 */
export function gitWorkTreeOf(path: string): string | null {
  let dir = resolve(path);
  for (;;) {
    if (existsSync(join(dir, '.git'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/**
 * Whether git ignores `path` (a .gitignore, .git/info/exclude or the global excludes file): `git check-ignore`'s
 * answer, or null when git cannot be asked (not installed, or it fails).
 */
export function gitIgnores(path: string): Promise<boolean | null> {
  return new Promise((done) => {
    execFile('git', ['check-ignore', '--quiet', resolve(path)], { cwd: dirname(resolve(path)), timeout: 5_000 }, (error) => {
      if (error === null) done(true);
      else done(typeof error.code === 'number' && error.code === 1 ? false : null);
    });
  });
}
