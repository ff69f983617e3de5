/**
 * What a parked run can do next, and what each step still needs: the events its state accepts, read from the
 * statechart (never written per state), with the approval policy's unmet rules, the approvals that will lapse, and
 * the kill switch. Pure: a function of the chart, the run, the policy, the instant and the kill switch's reading.
 */
import type { StatechartGraph } from '../chart/statechart-graph.js';
import type { Gate } from '../domain/approval.js';
import type { RunView } from '../runner/run-view.js';
import { describeUnmet, evaluateGate, formatSeconds } from './evaluate.js';
import type { ResolvedPolicy } from './policy.js';

export interface NextStep {
  /** The event: `APPROVE`, `RESUME`, `REJECT`, `CANCEL`, `ESCALATE`, `BIND_POLICY`. */
  readonly event: string;
  /** Where the chart can take the run on it (its targets other than staying). */
  readonly leadsTo: readonly string[];
  /** What it still needs, one line each; empty when nothing stands in its way. */
  readonly needs: readonly string[];
}

export interface NextStepsInput {
  readonly graph: StatechartGraph;
  readonly view: RunView;
  readonly policy: ResolvedPolicy;
  readonly riskRules: readonly string[];
  readonly now: Date;
  /** The kill switch's reading; null when it could not be read. */
  readonly killSwitchOn: boolean | null;
}

/** The events a state accepts (its own and its ancestors'), with the states each can lead to. */
function eventsAt(graph: StatechartGraph, state: string): Map<string, Set<string>> {
  const parents = new Map(graph.states.map((s) => [s.path, s.parent]));
  const events = new Map<string, Set<string>>();
  for (let path: string | null = state; path !== null && path !== undefined; path = parents.get(path) ?? null) {
    for (const t of graph.transitions.filter((tr) => tr.source === path && !tr.event.startsWith('xstate.'))) {
      const targets = events.get(t.event) ?? new Set<string>();
      if (t.target !== null && t.target !== state) targets.add(t.target);
      events.set(t.event, targets);
    }
  }
  return events;
}

export function nextSteps({ graph, view, policy, riskRules, now, killSwitchOn }: NextStepsInput): NextStep[] {
  if (view.status !== 'active' || !view.parked) return [];
  const gate: Gate | null = view.gate;
  const evaluation = gate === null ? null : evaluateGate(policy, gate, riskRules, view.context, now);
  const killSwitchLine = view.context.mode === 'LIVE' && killSwitchOn !== true
    ? [`kill switch ${killSwitchOn === false ? 'OFF' : 'unreadable'}: no phase can start until it reads ON (cutter kill-switch on)`]
    : [];
  const steps: NextStep[] = [];
  for (const [event, targets] of eventsAt(graph, view.state)) {
    const leadsTo = [...targets];
    let needs: string[] = [];
    if (event === 'APPROVE' && gate !== null && evaluation !== null) {
      needs = [
        ...evaluation.unmet.map((u) => describeUnmet(gate, u)),
        ...evaluation.counted.map((r) => `${r.approver}'s approval counts; it expires in ${formatSeconds((Date.parse(r.expiresAt) - now.getTime()) / 1000)}`),
        ...evaluation.notCounted.map((n) => `${n.approver}'s approval does not count: ${n.why}${n.at === undefined ? '' : ` (${n.at})`}`),
        ...killSwitchLine,
      ];
      if (evaluation.unmet.length === 0 && evaluation.counted.length > 0) needs.unshift(`${gate}: the policy is met; cutter resume opens the gate`);
    } else if (event === 'RESUME') {
      needs = gate === null ? killSwitchLine : [...(evaluation?.open === true ? [] : ['re-checks the policy: useful once a window opened or an approval became valid']), ...killSwitchLine];
    } else if (event === 'BIND_POLICY') {
      if (view.context.policyHash === null || view.context.policyHash === policy.hash) continue;
      needs = [`the run is bound to policy ${view.context.policyHash.slice(0, 12)}; the policy in force is ${policy.hash.slice(0, 12)}: a person binds it (cutter policy bind)`];
    }
    steps.push({ event, leadsTo, needs });
  }
  return steps;
}
