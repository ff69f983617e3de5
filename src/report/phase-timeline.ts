import type { StatechartGraph } from '../chart/index.js';
import type { Gate } from '../domain/approval.js';
import { gateOfState } from '../runner/run-view.js';
import type { PathStep } from './run-path.js';

/** What a visited state was: a phase (an invoked actor), a gate, a parked or torn state, or where the run ended. */
export type TimelineKind = 'phase' | 'gate' | 'parked' | 'final';

/** One stay of the run in one state. A state entered twice (a resumed halt, say) has two rows. */
export interface TimelineRow {
  readonly state: string;
  readonly kind: TimelineKind;
  /** The phase's actor id (`cut`), or the gate (`SG_1`), or null. */
  readonly name: string | null;
  readonly start: string;
  /** Null while the run is still there (waiting at a gate, ended, or a phase in flight when the run stopped). */
  readonly end: string | null;
  readonly durationMs: number | null;
  /** Rows the phase counted or wrote, when it reports any. */
  readonly rows: number | null;
  /** How the stay ended: `done`, `error`, `approved`, `rejected`, ... or `waiting` / `in flight` / `ended`. */
  readonly outcome: string;
  /** A one-line summary of the phase's result or error; never an IU body. */
  readonly detail: string;
}

const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const field = (value: unknown, key: string): unknown =>
  value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;

/** Rows and a summary from a phase's journalled output (plain JSON, so every field is checked before use). */
export function phaseSummary(phase: string, output: unknown): { rows: number | null; detail: string } {
  const get = (key: string): unknown => field(output, key);
  switch (phase) {
    case 'precheck':
      return { rows: num(get('rowCount')), detail: `executor ${str(get('executor'))}` };
    case 'planning':
      return { rows: num(get('rowCount')), detail: `change set ${str(get('changeSetId'))}` };
    case 'backup':
      return { rows: null, detail: `${get('verified') === true ? 'verified' : 'NOT verified'} backup at ${str(get('location'))}, ${num(get('bytes')) ?? '?'} bytes` };
    case 'cut':
      return { rows: num(get('created')), detail: `${num(get('created')) ?? '?'} IU versions created as drafts` };
    case 'ledger':
      return { rows: 1, detail: `ledger record ${str(get('recordHash')).slice(0, 12)}…` };
    case 'verify': {
      const actual = num(get('actualCount'));
      return { rows: actual, detail: `${actual ?? '?'} of ${num(get('expectedCount')) ?? '?'} rows read back; ${get('ok') === true ? 'digest matches' : 'MISMATCH'}` };
    }
    case 'enact':
      return { rows: num(get('enacted')), detail: `${num(get('enacted')) ?? '?'} enacted, ${num(get('supersededCount')) ?? '?'} superseded` };
    case 'compensate': {
      const parts = ['removedDrafts', 'retired', 'reEnacted'].map((k) => num(get(k)) ?? 0);
      return { rows: parts.reduce((a, b) => a + b, 0), detail: `${parts[0]} drafts removed, ${parts[1]} retired, ${parts[2]} re-enacted` };
    }
    default:
      return { rows: null, detail: '' };
  }
}

const HUMAN_OUTCOME: Readonly<Record<string, string>> = {
  APPROVE: 'approved', REJECT: 'rejected', CANCEL: 'cancelled', RESUME: 'resumed', ESCALATE: 'escalated', START: 'started',
};

function leaving(step: PathStep, phase: string | null): Pick<TimelineRow, 'outcome' | 'detail' | 'rows'> {
  if (step.event.startsWith('xstate.error.actor.')) {
    const error = field(step.payload, 'error');
    return { outcome: 'error', rows: null, detail: `${str(field(error, 'code'))}: ${str(field(error, 'message'))}` };
  }
  if (step.event.startsWith('xstate.done.actor.') && phase !== null) {
    return { outcome: 'done', ...phaseSummary(phase, field(step.payload, 'output')) };
  }
  return { outcome: HUMAN_OUTCOME[step.event] ?? step.event, rows: null, detail: '' };
}

/** The stays in each state after the initial one, from the path's steps, with each phase's rows and result. */
export function buildTimeline(graph: StatechartGraph, steps: readonly PathStep[]): TimelineRow[] {
  const byPath = new Map(graph.states.map((s) => [s.path, s]));
  const describe = (state: string): { kind: TimelineKind; name: string | null } => {
    const chart = byPath.get(state);
    const gate: Gate | null = gateOfState(state);
    if (chart?.isFinal === true) return { kind: 'final', name: null };
    if (gate !== null) return { kind: 'gate', name: gate };
    const phase = chart?.invokes[0];
    return phase === undefined ? { kind: 'parked', name: null } : { kind: 'phase', name: phase };
  };
  const rows: TimelineRow[] = [];
  let open: { state: string; start: string } | null = null;
  for (const step of steps) {
    if (step.to === step.from) continue;
    if (open !== null) {
      const { kind, name } = describe(open.state);
      rows.push({ state: open.state, kind, name, start: open.start, end: step.at, durationMs: Date.parse(step.at) - Date.parse(open.start), ...leaving(step, kind === 'phase' ? name : null) });
    }
    open = { state: step.to, start: step.at };
  }
  if (open !== null) {
    const { kind, name } = describe(open.state);
    const outcome = kind === 'final' ? 'ended' : kind === 'phase' ? 'in flight' : 'waiting';
    rows.push({ state: open.state, kind, name, start: open.start, end: null, durationMs: null, rows: null, outcome, detail: '' });
  }
  return rows;
}
