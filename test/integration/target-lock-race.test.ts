/** I12: two processes race for one target; exactly one proceeds, the other is refused with E_TARGET_BUSY. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tsxNodeArgs } from '../support/tsx-node.js';
import { countRows, openTarget, TARGET_KINDS, type Target } from '../support/targets.js';

const run = promisify(execFile);

// Needs a PostgreSQL server (CUTTER_TEST_DATABASE_URL); skipped only without one. CI sets CUTTER_REQUIRE_POSTGRES=1,
// and then test/support/targets.ts fails the suite if the URL is missing, so this tier never skips there.
describe.runIf(TARGET_KINDS.includes('postgres'))('two processes racing for one postgres target', () => {
  let target: Target;
  beforeAll(async () => { target = await openTarget('postgres'); await target.reset(); }, 60_000);
  afterAll(async () => { await target.close(); });

  it('exactly one proceeds', async () => {
    const startAt = String(Date.now() + 3000); // both processes are up and connected by then
    const worker = (runId: string) =>
      run(process.execPath, tsxNodeArgs('test/support/race-worker.ts', target.dsn ?? '', runId, startAt)).then(
        ({ stdout }) => JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { runId: string; ok: boolean; code?: string },
      );
    const outcomes = await Promise.all([worker('racer-a'), worker('racer-b')]);
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    expect(outcomes.filter((o) => !o.ok).map((o) => o.code)).toEqual(['E_TARGET_BUSY']);
    expect(await countRows(target, 'iu_versions')).toBe(1);
  }, 60_000);
});
