/**
 * Sources far larger than the examples: every row count up to PlanLimits.maxRows must load (issue 17). Rows spread
 * into push() as call arguments overflowed the stack beyond about 120k rows of one source.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPlanSources } from '../../../src/planning/index.js';

let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'cutter-large-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

/** `count` NDJSON rows `bulk/r<i>`, small bodies: the row count is what matters here, not the bytes. */
function ndjson(count: number, prefix = 'bulk'): string {
  let text = '';
  for (let i = 0; i < count; i++) text += `{"address":"${prefix}/r${i}","title":"Row ${i}","body":"Body ${i}."}\n`;
  return text;
}

describe('loadPlanSources at scale', () => {
  it('loads 200k rows of one NDJSON file (past the ~120k where push(...rows) overflowed the stack)', async () => {
    const path = join(dir, 'big.ndjson');
    await writeFile(path, ndjson(200_000));
    const plan = await loadPlanSources([path]);
    expect(plan.rows.length).toBe(200_000);
    expect(plan.rows[199_999]).toMatchObject({ address: 'bulk/r199999', title: 'Row 199999', body: 'Body 199999.' });
  }, 120_000);
});
