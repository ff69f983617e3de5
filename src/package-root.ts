import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder of the installed iu-cutter package, found by walking up from this file, so that bundled examples resolve
 * the same from `src/` (tsx), `dist/` and an installed package.
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'iu-cutter') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the iu-cutter package root');
    dir = parent;
  }
}

/** The package's version, from its manifest. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
