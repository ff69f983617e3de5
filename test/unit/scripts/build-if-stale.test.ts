/** `npm start` builds only when dist/ is older than what it is made from (scripts/build-if-stale.ts). */
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildIfStale, staleReason } from '../../../scripts/build-if-stale.js';

describe('build-if-stale', () => {
  let root = '';
  const past = new Date('2000-01-01T00:00:00Z');
  const later = new Date('2000-01-02T00:00:00Z');
  /** Sets a path's mtime, so the test never depends on the clock's resolution. */
  const touch = (path: string, at: Date) => utimes(join(root, path), at, at);
  let builds = 0;
  const build = () => { builds++; return 0; };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'cutter-build-stale-'));
    builds = 0;
    for (const dir of ['src/cli', 'machines', 'dist']) await mkdir(join(root, dir), { recursive: true });
    for (const file of ['src/index.ts', 'src/cli/main.ts', 'machines/index.ts', 'tsconfig.json', 'tsconfig.build.json']) {
      await writeFile(join(root, file), '');
    }
    for (const path of ['src/index.ts', 'src/cli/main.ts', 'src/cli', 'src', 'machines/index.ts', 'machines', 'tsconfig.json', 'tsconfig.build.json']) await touch(path, past);
  });
  afterEach(async () => { await rm(root, { recursive: true, force: true }); });

  it('builds when there is no stamp, then not again until a source changes', () => {
    expect(staleReason(root)).toBe('no build yet');
    expect(buildIfStale(root, build)).toBe(0);
    expect(builds).toBe(1);
    expect(staleReason(root)).toBeNull();
    expect(buildIfStale(root, build)).toBe(0);
    expect(builds).toBe(1);
  });

  it('is stale when a nested source file, a tsconfig, or a folder (a deleted file) is newer than the stamp', async () => {
    buildIfStale(root, build);
    const stamp = new Date(Date.now() + 60_000);
    for (const [path, input] of [['src/cli/main.ts', 'src'], ['tsconfig.build.json', 'tsconfig.build.json'], ['machines', 'machines']] as const) {
      await touch('dist/.build-stamp', stamp);
      expect(staleReason(root)).toBeNull();
      await touch(path, new Date(stamp.getTime() + 1000));
      expect(staleReason(root)).toBe(`${input} changed since the last build`);
      await touch(path, past);
    }
    await touch('src', later);
    await touch('dist/.build-stamp', past);
    expect(staleReason(root)).toBe('src changed since the last build');
  });

  it('a failed build writes no stamp and returns the compiler\'s code', () => {
    expect(buildIfStale(root, () => 2)).toBe(2);
    expect(staleReason(root)).toBe('no build yet');
  });
});
