/**
 * The one place the bench meets the streamed LIVE path's API (src/postgres/pin-sources.ts: pinSourceRows, and
 * createDurableRun's `pinnedPlan`). STUB until that API lands: planning here collects the streamed rows into a plan held
 * in memory and the run pins it itself (the in-memory path), so the harness can be run end to end; its memory is
 * therefore NOT flat. Swap the two functions' bodies for the real calls (see the comments) when the API is in src/.
 */
import { validateCutplan, type Cutplan } from '../src/domain/cutplan.js';
import { Mode } from '../src/domain/mode.js';
import type { ConnectionProvider } from '../src/postgres/port.js';
import type { StreamedSourceRow } from '../src/postgres/sql/streamed-plan.js';
import type { Run } from '../src/runner/create-run.js';
import { createDurableRun, type DurableRunOptions } from '../src/runs/durable-run.js';

/** Whether the real API is behind these functions (the report says so next to the streamed figures). */
export const STREAMED_API: 'pinSourceRows' | 'stub: the plan held in memory' = 'stub: the plan held in memory';

/** What planning handed the run: its id, the change set's size, and what the run is created from. */
export interface PlannedRun {
  readonly runId: string;
  readonly rowCount: number;
  readonly plan: Cutplan;
}

/** The run's options but those planning decides. */
export type StreamedRunOptions = Omit<DurableRunOptions, 'mode' | 'plan' | 'runId'>;

/**
 * Planning: stage, classify against the target, hash and pin the streamed rows. Real:
 *   const { staged, facts } = await pinSourceRows(provider, runId, sources, { retireWithin: [] });
 *   if (facts === null) throw new Error('planning found nothing to change');
 *   return { runId, rowCount: staged.rowCount, facts };
 */
export async function planStreamed(_provider: ConnectionProvider, runId: string, sources: AsyncIterable<StreamedSourceRow>): Promise<PlannedRun> {
  const rows: unknown[] = [];
  for await (const { raw } of sources) rows.push(raw);
  const plan = validateCutplan(rows);
  return { runId, rowCount: plan.rows.length, plan };
}

/** The LIVE run of what planning pinned. Real: createDurableRun({ ...options, mode: Mode.Live, runId, pinnedPlan: facts }). */
export function createStreamedRun(planned: PlannedRun, options: StreamedRunOptions): Promise<Run> {
  return createDurableRun({ ...options, mode: Mode.Live, runId: planned.runId, plan: planned.plan });
}
