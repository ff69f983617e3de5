/**
 * The one place the bench meets the streamed LIVE path's API: planning by pinSourceRows (src/postgres/pin-sources.ts),
 * then createDurableRun with `pinnedPlan`, so the run holds the plan's facts and never its rows.
 */
import { Mode } from '../src/domain/mode.js';
import type { PinnedPlanFacts } from '../src/domain/pinned-plan-facts.js';
import { pinSourceRows } from '../src/postgres/pin-sources.js';
import type { ConnectionProvider } from '../src/postgres/port.js';
import type { StreamedSources } from '../src/postgres/sql/streamed-plan.js';
import type { Run } from '../src/runner/create-run.js';
import { createDurableRun, type DurableRunOptions } from '../src/runs/durable-run.js';

/** Which path is behind these functions (the report and the results file say so next to the streamed figures). */
export const STREAMED_API: string = 'pinSourceRows, then createDurableRun({ pinnedPlan })';

/** What planning handed the run: the change set's size and its facts (the run's id among them). */
export interface PlannedRun {
  readonly rowCount: number;
  readonly facts: PinnedPlanFacts;
}

/** The run's options but those planning decides. */
export type StreamedRunOptions = Omit<DurableRunOptions, 'mode' | 'plan' | 'pinnedPlan' | 'runId'>;

/** Planning: stage, classify against the target, hash and pin the streamed rows for `runId`, retiring nothing. */
export async function planStreamed(provider: ConnectionProvider, runId: string, sources: StreamedSources): Promise<PlannedRun> {
  const { staged, facts } = await pinSourceRows(provider, runId, sources, { retireWithin: [] });
  if (facts === null) throw new Error(`planning found nothing to change: ${JSON.stringify(staged.counts)}`);
  return { rowCount: staged.rowCount, facts };
}

/** The LIVE run of what planning pinned, known by its facts. */
export function createStreamedRun(planned: PlannedRun, options: StreamedRunOptions): Promise<Run> {
  return createDurableRun({ ...options, mode: Mode.Live, pinnedPlan: planned.facts });
}
