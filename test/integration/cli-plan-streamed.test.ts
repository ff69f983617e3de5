/**
 * `cutter plan` against PostgreSQL streams the plan through the target (runStreamedPlan) and prints and writes what
 * the in-memory path prints and writes for the embedded target: the same plan hash, the same `--out` file byte for
 * byte, the same `--json` and `--all` listing. PostgreSQL only (CUTTER_TEST_DATABASE_URL; CI requires it).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { main } from '../../src/cli/main.js';
import { captureTerminal } from '../support/capture-terminal.js';
import { openTarget, POSTGRES_URL, type Target } from '../support/targets.js';

const ON_POSTGRES = POSTGRES_URL !== undefined && POSTGRES_URL !== '';

// Needs a PostgreSQL server (CUTTER_TEST_DATABASE_URL); skipped only without one. CI sets CUTTER_REQUIRE_POSTGRES=1,
// and then test/support/targets.ts fails the suite if the URL is missing, so this tier never skips there.
describe.runIf(ON_POSTGRES)('cutter plan on PostgreSQL (streamed) and on the embedded target (in memory)', () => {
  let dir: string;
  let target: Target;
  let sources: string[];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cutter-cli-plan-streamed-'));
    target = await openTarget('postgres');
    sources = [join(dir, 'rows.ndjson'), join(dir, 'Guide.md')];
    await writeFile(sources[0] as string, Array.from({ length: 500 }, (_, i) => JSON.stringify({ address: `bulk/r${(i * 37) % 500}`, title: `Row ${i}`, body: `Body ${i}\n"quoted" é` })).join('\n'));
    await writeFile(sources[1] as string, '# Install\n\nRun it.\n\n## Check\n\n```\n# not a heading\n```\n');
  }, 60_000);
  afterAll(async () => {
    await target.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function plan(where: string[], extra: string[]): Promise<string[]> {
    const terminal = captureTerminal();
    expect(await main(['plan', ...sources, ...extra, ...where], terminal)).toBe(ExitCode.Ok);
    return terminal.out;
  }
  const postgres = () => ['--database-url', target.dsn ?? ''];
  const embedded = () => ['--data-dir', join(dir, 'embedded')];

  it('writes the same --out file and prints the same --json (but the target)', async () => {
    const streamed = await plan(postgres(), ['--json', '--all', '--out', join(dir, 'streamed.json')]);
    const held = await plan(embedded(), ['--json', '--all', '--out', join(dir, 'held.json')]);
    expect(await readFile(join(dir, 'streamed.json'), 'utf8')).toBe(await readFile(join(dir, 'held.json'), 'utf8'));
    const withoutTarget = (lines: string[]) => ({ ...(JSON.parse(lines.join('\n')) as object), target: null, out: null });
    expect(withoutTarget(streamed)).toEqual(withoutTarget(held));
    expect((JSON.parse(streamed.join('\n')) as { counts: object }).counts).toEqual({ new: 502, changed: 0, retire: 0, unchanged: 0 });
  }, 60_000);

  it('prints the same summary, and with --all the same listing', async () => {
    const lines = async (extra: string[]) => [(await plan(postgres(), extra)).slice(1), (await plan(embedded(), extra)).slice(1)];
    const [summary, heldSummary] = await lines([]);
    expect(summary).toEqual(heldSummary);
    expect(summary).toHaveLength(3);
    const [all, heldAll] = await lines(['--all']);
    expect(all).toEqual(heldAll);
    expect(all?.filter((l) => l.includes(' + '))).toHaveLength(502);
  }, 60_000);

  it('plans against a database without the cutter schema (every address new), --diff and --retire-missing included', async () => {
    const name = `cutter_bare_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    try {
      const url = new URL(POSTGRES_URL ?? '');
      url.pathname = `/${name}`;
      const extra = ['--diff', '--retire-missing', '--json'];
      const bare = JSON.parse((await plan(['--database-url', url.toString()], extra)).join('\n')) as Record<string, unknown>;
      const held = JSON.parse((await plan(['--data-dir', join(dir, 'embedded-bare')], extra)).join('\n')) as Record<string, unknown>;
      expect({ ...bare, target: null }).toEqual({ ...held, target: null });
      expect(bare.counts).toEqual({ new: 502, changed: 0, retire: 0, unchanged: 0 });
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  }, 60_000);

  it('refuses a bad row with the same issues as the embedded target, and writes nothing', async () => {
    const bad = join(dir, 'bad.ndjson');
    await writeFile(bad, `${JSON.stringify({ address: 'a/b', title: 'T', body: 'x' })}\n${JSON.stringify({ address: 'a/b', title: '', body: 'y' })}\n`);
    const refused = async (where: string[]) => {
      const terminal = captureTerminal();
      expect(await main(['plan', bad, ...where], terminal)).toBe(ExitCode.InvalidInput);
      return terminal.err.join('\n');
    };
    const streamed = await refused(postgres());
    expect(streamed).toContain('row 1 · address');
    expect(streamed).toContain('duplicates row 0 (a/b)');
    expect(streamed).toBe(await refused(embedded()));
    const held = await target.admin(async (s) => (await s.query<{ n: number }>('SELECT count(*)::int AS n FROM cutter.iu_versions')).rows[0]?.n);
    expect(held).toBe(0);
  }, 60_000);
});
