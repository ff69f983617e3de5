/**
 * docs/embedding.md runs as written: every block marked `ts runnable` is extracted, in order, into one module that
 * imports the library instead of the package name, and is run against a real target (the embedded database, and
 * PostgreSQL when CUTTER_TEST_DATABASE_URL is set). The page's program must take a LIVE run to completion from a fresh
 * target: turning both kill switches on, keys by their real field names, the change set's id and plan hash from the
 * run, SG_2 with its review decision, and a restore naming who picked the run up.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTarget as openCutterTarget, type TargetConfig } from '../../src/postgres/open-target.js';
import { TARGET_KINDS, openTarget as openTestTarget, type Target } from '../support/targets.js';

const DOC = resolve('docs/embedding.md');
/** The target the page opens; the test points it at its own. */
const DOC_TARGET = "{ kind: 'embedded', dataDir: '.cutter/host-db' }";

/** The code of every fenced block whose info string is `ts runnable`, in page order. */
function runnableBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts runnable\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? '');
}

/** The page's program as one module against `target`, exporting what the test checks afterwards. */
function programOf(markdown: string, target: TargetConfig): string {
  const code = runnableBlocks(markdown).join('\n');
  if (!code.includes(DOC_TARGET)) throw new Error(`docs/embedding.md no longer opens ${DOC_TARGET}: update this test with it`);
  return `${code
    .replace("from 'iu-cutter'", `from ${JSON.stringify(pathToFileURL(resolve('src/index.ts')).href)}`)
    .replace(DOC_TARGET, JSON.stringify(target))}
export const checked = { output, runId: run.id, changeSetId: atCut.context.changeSet?.changeSetId };
`;
}

describe('docs/embedding.md', () => {
  it('marks its walk-through runnable: imports, kill switches, keys, a LIVE run, both gates and a restore', async () => {
    const code = runnableBlocks(await readFile(DOC, 'utf8')).join('\n');
    for (const needed of ["from 'iu-cutter'", 'setDatabaseKillSwitch(s, true', 'killSwitch.turnOn()', '.publicKey', '.privateKey', 'changeSet.changeSetId', 'changeSet.planHash', 'reviewDecisionId', "mode: 'LIVE'", 'restoreRun(']) {
      expect(code).toContain(needed);
    }
    expect(code).not.toMatch(/PublicKeyPem|PrivateKeyPem/);
  });
});

describe.each(TARGET_KINDS)('docs/embedding.md, run on %s', (kind) => {
  let dir = '';
  let testTarget: Target | null = null;
  let config: TargetConfig;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cutter-embedding-doc-'));
    if (kind === 'pglite') config = { kind: 'embedded', dataDir: join(dir, 'db') };
    else {
      // A fresh database with the schema and the kill switch as migrations leave it: OFF, as a new target's is.
      testTarget = await openTestTarget('postgres');
      config = { kind: 'postgres', dsn: testTarget.dsn ?? '' };
    }
  }, 60_000);
  afterAll(async () => {
    await testTarget?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('takes a LIVE run to completion on a fresh target, exactly as the page shows it', async () => {
    const file = join(dir, 'embedding-doc.ts');
    await writeFile(file, programOf(await readFile(DOC, 'utf8'), config));
    const { checked } = (await import(pathToFileURL(file).href)) as { checked: { output: { status: string }; runId: string; changeSetId: string } };
    expect(checked.output.status).toBe('completed');

    const target = await openCutterTarget(config);
    try {
      const enacted = await target.admin((s) => s.query<{ address: string; review_decision_id: string | null }>(
        "SELECT address, review_decision_id FROM cutter.iu_versions WHERE change_set_id = $1 AND status = 'enacted' ORDER BY address", [checked.changeSetId]));
      expect(enacted.rows.map((r) => r.address)).toEqual(['policy/backups', 'policy/backups/retention']);
      expect(new Set(enacted.rows.map((r) => r.review_decision_id))).toEqual(new Set(['RD-2026-117']));
      const journal = await target.admin((s) => s.query<{ event: { type: string; by?: string } }>('SELECT event FROM cutter.run_journal WHERE run_id = $1 ORDER BY seq', [checked.runId]));
      expect(journal.rows.filter((r) => r.event.type === 'cutter.restored').map((r) => r.event.by)).toEqual(['ops']);
    } finally {
      await target.close();
    }
  }, 120_000);
});
