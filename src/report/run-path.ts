import type { ChartTransition, StatechartGraph } from '../chart/index.js';
import type { JournalEntry } from '../runs/run-store.js';

/** One event of the journal that moved the run (or was taken at a state and left it there). */
export interface PathStep {
  readonly seq: number;
  readonly at: string;
  /** The raw event type, e.g. `APPROVE`, `xstate.done.actor.cut`. */
  readonly event: string;
  readonly from: string;
  readonly to: string;
  /** The transition taken (a targetless one leaves `to` equal to `from`). */
  readonly transition: ChartTransition;
  /** The journalled event itself (plain JSON), for what the step produced. */
  readonly payload: JournalEntry['event'];
}

/** The path a run took through its statechart, derived from its journal. */
export interface RunPath {
  readonly steps: readonly PathStep[];
  /** Every state the run was in, in order of first visit, starting at the machine's initial state. */
  readonly states: readonly string[];
  /**
   * False when no path through the chart explains the journal and the stored state (a journal from another machine
   * version, say): `states` then holds only what the journal names directly, and `steps` is empty.
   */
  readonly complete: boolean;
}

const ACTOR_EVENT = /^xstate\.(?:done|error)\.actor\.(.+)$/;

/**
 * Derives the states visited and transitions taken from the journal, without running the machine: each journalled
 * event is matched to the chart's candidate transitions for it, and a phase's done/error event pins the state that
 * invokes that phase. Guards are not evaluated (their inputs are gone); where candidates differ only in their guard,
 * the one consistent with what the journal shows next, and with the stored final state, is the one taken.
 */
export function deriveRunPath(graph: StatechartGraph, journal: readonly JournalEntry[], finalState: string): RunPath {
  const byPath = new Map(graph.states.map((s) => [s.path, s]));
  const handled = new Set(graph.transitions.map((t) => t.event));
  // Entries the machine never sees as transitions: its init, and Cutter's own notes (restores, refusals).
  const events = journal.filter((entry) => handled.has(entry.event.type));
  // A refusal journalled right after an event tells which of its guarded candidates was taken (see `explains`).
  const refusalAfter = new Map<number, string>();
  journal.forEach((entry, i) => {
    const next = journal[i + 1]?.event;
    if (next?.type === 'cutter.refused' && typeof next.gate === 'string') refusalAfter.set(entry.seq, next.gate);
  });
  const invoker = new Map(graph.states.flatMap((s) => s.invokes.map((id) => [id, s.path] as const)));
  const anchorOf = (type: string): string | undefined => {
    const actor = ACTOR_EVENT.exec(type)?.[1];
    return actor === undefined ? undefined : invoker.get(actor);
  };
  const enter = (path: string): string => {
    let state = byPath.get(path);
    while (state?.initial != null) state = byPath.get(state.initial);
    return state?.path ?? path;
  };
  // The runner only sends events the machine accepts in its current state, so every journalled event took one of
  // these; there is no "ignored" option to fall back on.
  const candidates = (state: string, type: string, refusal: string | null): ChartTransition[] => {
    const found: ChartTransition[] = [];
    for (let path: string | null = state; path !== null; path = byPath.get(path)?.parent ?? null) {
      found.push(...graph.transitions.filter((t) => t.source === path && t.event === type));
    }
    return refusal === null ? found : [...found].sort((a, b) => Number(explains(b, refusal)) - Number(explains(a, refusal)));
  };

  const dead = new Set<string>();
  const walk = (i: number, state: string): PathStep[] | null => {
    const entry = events[i];
    if (entry === undefined) return state === finalState ? [] : null;
    if (dead.has(`${i}:${state}`)) return null;
    const anchor = anchorOf(entry.event.type);
    if (anchor === undefined || anchor === state) {
      for (const transition of candidates(state, entry.event.type, refusalAfter.get(entry.seq) ?? null)) {
        const to = transition.target === null ? state : enter(transition.target);
        const nextAnchor = events[i + 1] === undefined ? undefined : anchorOf(events[i + 1]?.event.type ?? '');
        if (nextAnchor !== undefined && nextAnchor !== to) continue;
        const rest = walk(i + 1, to);
        if (rest !== null) return [{ seq: entry.seq, at: entry.at, event: entry.event.type, from: state, to, transition, payload: entry.event }, ...rest];
      }
    }
    dead.add(`${i}:${state}`);
    return null;
  };

  const start = enter(graph.initial ?? finalState);
  const steps = walk(0, start);
  if (steps === null) {
    const named = events.map((e) => anchorOf(e.event.type)).filter((s): s is string => s !== undefined);
    return { steps: [], states: unique([start, ...named, finalState]), complete: false };
  }
  return { steps, states: unique([start, ...steps.map((s) => s.to)]), complete: true };
}

/**
 * Whether a transition records the kind of refusal the journal shows next: an approval refused at a gate, a gate the
 * policy keeps closed (or a re-bind it refused), or a kill-switch (or executor) lock. Used only to order candidates; the path is still checked against the journal.
 */
function explains(transition: ChartTransition, refusalGate: string): boolean {
  const pattern = refusalGate.startsWith('SG_') ? /ApprovalRefusal/ : refusalGate === 'policy' ? /GateWaiting|PolicyBindRefusal/ : /KillSwitch|halt|ExecutorRefusal/i;
  return transition.actions.some((action) => pattern.test(action));
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
