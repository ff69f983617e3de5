import { Mode } from '../domain/mode.js';
import { matchingRiskRulesOf } from '../policy/evaluate.js';
import { resolvePolicy, type ApprovalPolicy } from '../policy/resolve.js';
import { riskRulesOf } from '../runner/bind-machine.js';
import { findRun, type RunStore } from './run-store.js';

/**
 * The risk rules of `policy` that hold for a stored run's plan, for commands that say what a parked run needs next
 * (status, report): a LIVE run's plan pinned in the target is looked at where it is (its counts, its addresses a page
 * at a time), any other plan is loaded. None for a run without a plan.
 */
export async function storedRiskRules(store: RunStore, runId: string, policy: ApprovalPolicy): Promise<readonly string[]> {
  const found = await findRun(store, runId);
  if (found === null) return [];
  // A LIVE run planned in the target has its plan there only: looked at where it is.
  const facts = found.run.mode === Mode.Live ? await store.pinnedRiskFacts?.(runId) ?? null : null;
  if (facts !== null) return matchingRiskRulesOf(resolvePolicy(policy).document, facts);
  const plan = (await store.load(runId))?.plan ?? null;
  return plan === null ? [] : riskRulesOf(policy, plan);
}
