/**
 * `cutter plan` prints a summary, a handful of lines whatever the row count; rows are listed only when asked
 * (`--all`, `--json`, `--out`). At 100k rows it printed 100,003 lines (issue 17).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/cli/exit-codes.js';
import { main } from '../../../src/cli/main.js';
import { captureTerminal } from '../../support/capture-terminal.js';

let dir: string;
let source: string;
const ROWS = 2000;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cutter-plan-summary-'));
  source = join(dir, 'rows.ndjson');
  await writeFile(source, Array.from({ length: ROWS }, (_, i) => JSON.stringify({ address: `bulk/r${i}`, title: `Row ${i}`, body: `Body ${i}.` })).join('\n'));
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('cutter plan output', () => {
  it('without --all prints the target, the counts and the plan hash, and no address', async () => {
    const terminal = captureTerminal();
    expect(await main(['plan', source, '--data-dir', join(dir, 'target')], terminal)).toBe(ExitCode.Ok);
    const out = terminal.out.join('\n');
    expect(terminal.out.length).toBeLessThanOrEqual(5);
    expect(out).toContain(`+${ROWS} new  ~0 changed  -0 retired  =0 unchanged`);
    expect(out).toMatch(/plan hash {2}[0-9a-f]{64}/);
    expect(out).not.toContain('bulk/r1');
  }, 60_000);

  it('--all lists every address; --out writes every row', async () => {
    const terminal = captureTerminal();
    const out = join(dir, 'plan.json');
    expect(await main(['plan', source, '--all', '--out', out, '--data-dir', join(dir, 'target')], terminal)).toBe(ExitCode.Ok);
    expect(terminal.out.filter((line) => line.includes('+ bulk/r'))).toHaveLength(ROWS);
    expect((JSON.parse(await readFile(out, 'utf8')) as { rows: unknown[] }).rows).toHaveLength(ROWS);
  }, 60_000);
});
