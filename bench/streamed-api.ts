/**
 * The one place the bench meets the streamed LIVE path's API: pinSourceRows (src/postgres/pin-sources.ts, landed) and
 * createDurableRun's `pinnedPlan` (NOT YET in src/). Until `pinnedPlan` lands this is a HYBRID STUB: planning is the
 * real pinSourceRows, but the rows are also collected (as the change set planning finds on a fresh target: every row
 * new) into a plan held in memory, from which the run is created; its planning phase finds the pin and reuses it. So
 * the timing is close to the real path's, but the memory is NOT flat. When `pinnedPlan` lands: drop `plan` and the
 * collecting, and create the run with `pinnedPlan: planned.facts` (see createStreamedRun).
 */
import { validateCutplan, type Cutplan } from '../src/domain/cutplan.js';
import { Mode } from '../src/domain/mode.js';
import type { PinnedPlanFacts } from '../src/domain/pinned-plan-facts.js';
import { pinSourceRows } from '../src/postgres/pin-sources.js';
import type { ConnectionProvider } from '../src/postgres/port.js';
import type { StreamedSourceRow } from '../src/postgres/sql/streamed-plan.js';
import type { Run } from '../src/runner/create-run.js';
import { createDurableRun, type DurableRunOptions } from '../src/runs/durable-run.js';

/** Which path is behind these functions (the report and the results file say so next to the streamed figures). */
export const STREAMED_API: string = 'hybrid stub: pinSourceRows, then a run created from the plan held in memory (memory not flat)';

/** What planning handed the run: its id, the change set's size, and what the run is created from. */
export interface PlannedRun {
  readonly runId: string;
  readonly rowCount: number;
  readonly facts: PinnedPlanFacts;
  /** STUB only: the change set held in memory. */
  readonly plan: Cutplan;
}

/** The run's options but those planning decides. */
export type StreamedRunOptions = Omit<DurableRunOptions, 'mode' | 'plan' | 'runId'>;

/** Planning: stage, classify against the target, hash and pin the streamed rows, retiring nothing. */
export async function planStreamed(provider: ConnectionProvider, runId: string, sources: AsyncIterable<StreamedSourceRow>): Promise<PlannedRun> {
  const rows: unknown[] = [];
  async function* collecting(): AsyncGenerator<StreamedSourceRow> {
    for await (const source of sources) {
      rows.push({ ...(source.raw as object), action: 'new' });
      yield source;
    }
  }
  const { staged, facts } = await pinSourceRows(provider, runId, collecting(), { retireWithin: [] });
  if (facts === null) throw new Error(`planning found nothing to change: ${JSON.stringify(staged.counts)}`);
  return { runId, rowCount: staged.rowCount, facts, plan: validateCutplan(rows) };
}

/** The LIVE run of what planning pinned. Real: createDurableRun({ ...options, mode: Mode.Live, runId, pinnedPlan: planned.facts }). */
export function createStreamedRun(planned: PlannedRun, options: StreamedRunOptions): Promise<Run> {
  return createDurableRun({ ...options, mode: Mode.Live, runId: planned.runId, plan: planned.plan });
}
