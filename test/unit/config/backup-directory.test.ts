import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/config.js';

describe('backup.directory', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cutter-config-'));
    await mkdir(join(dir, 'etc'));
    await writeFile(join(dir, 'etc', 'cutter.config.json'), JSON.stringify({ backup: { kind: 'pg_dump', directory: '../dumps' } }));
  });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('is resolved once, against the config file\'s folder, whatever the current folder of the process reading it', async () => {
    const elsewhere = { ...process.env, CUTTER_CONFIG: join(dir, 'etc', 'cutter.config.json') };
    const config = await loadConfig(undefined, elsewhere);
    expect(config.backup).toEqual({ kind: 'pg_dump', directory: join(dir, 'dumps') });
    // The same file named by a relative path from another folder gives the same absolute folder.
    const cwd = process.cwd();
    process.chdir(join(dir, 'etc'));
    try {
      expect((await loadConfig('cutter.config.json', {})).backup).toEqual({ kind: 'pg_dump', directory: join(dir, 'dumps') });
    } finally {
      process.chdir(cwd);
    }
  });
});
