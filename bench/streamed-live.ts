/**
 * The whole LIVE run on the streamed path (issue 17): planning pins the rows as a generator yields them (never an
 * array), then the run goes through the statechart from the pin: backup, cut, ledger, verify, enact, both gates
 * approved, with the Postgres run store in the target. Timed together as the whole run; planning also alone.
 */
import { benchPolicy } from './approvals.js';
import { adapterFor, approveToTheEnd, killSwitch, timedStore, type RunTiming } from './measures.js';
import { benchSources } from './rows.js';
import type { ScratchTarget } from './scratch.js';
import { createStreamedRun, planStreamed } from './streamed-api.js';
import { timedProvider } from './timed-provider.js';

export interface StreamedTiming extends RunTiming {
  /** Planning (stage, classify against the target, hash, pin), from its first row to its pin: part of `wallMs`. */
  readonly planningMs: number;
}

/**
 * One streamed LIVE run of rows 0..n-1 against `target` (which must not hold them as a change set yet). Planning's
 * session is timed with the phases', so orchestration = wall − every session's time, as for the run of a held plan.
 */
export async function streamedLiveRun(target: ScratchTarget, n: number, runId: string): Promise<StreamedTiming> {
  const timed = timedProvider(target.provider);
  const stored = timedStore(target);
  const start = performance.now();
  const planned = await planStreamed(timed.provider, runId, benchSources(n));
  const planningMs = performance.now() - start;
  if (planned.rowCount !== n) throw new Error(`planning found ${planned.rowCount} rows to change of ${n}`);
  const run = await createStreamedRun(planned, {
    initiator: 'bench', approvals: benchPolicy, killSwitch, store: stored.store, executor: adapterFor(target, timed.provider),
  });
  let wallMs = Number.NaN;
  let phaseDbMs = Number.NaN;
  let storeMs = Number.NaN;
  try {
    await approveToTheEnd(run, 'streamed LIVE');
    wallMs = performance.now() - start;
    phaseDbMs = timed.heldMs();
    storeMs = stored.ms();
  } finally {
    // Untimed, as wholeRun leaves it out: it waits for the store's last writes and gives the run's hold back.
    await run.release().catch(() => undefined);
  }
  return { wallMs, planningMs, phaseDbMs, storeMs, overheadMs: wallMs - phaseDbMs };
}
