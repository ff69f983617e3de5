import type { StatechartGraph } from '../chart/index.js';
import type { Gate } from '../domain/approval.js';
import { gateOfState } from '../runner/run-view.js';
import type { PathStep } from './run-path.js';
import { counted } from '../text/plural.js';

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

const countOrUnknown = (n: number | null, noun: string): string => (n === null ? `? ${noun}s` : counted(n, noun));
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
      {
      const bytes = num(get('bytes'));
      const verified = get('verified') === true ? 'verified' : 'NOT verified';
      // An empty target gives an empty backup: say so, not "0 bytes", which reads like a dump that failed.
      return { rows: null, detail: bytes === 0 ? `${verified} backup at ${str(get('location'))}: empty (the target held nothing to back up)` : `${verified} backup at ${str(get('location'))}, ${bytes === null ? '? bytes' : counted(bytes, 'byte')}` };
    }
    case 'cut':
      return { rows: num(get('created')), detail: `${countOrUnknown(num(get('created')), 'IU version')} created as drafts` };
    case 'ledger':
      return { rows: 1, detail: `ledger record ${str(get('recordHash')).slice(0, 12)}…` };
    case 'verify': {
      const actual = num(get('actualCount'));
      return { rows: actual, detail: `${actual ?? '?'} of ${countOrUnknown(num(get('expectedCount')), 'row')} read back; ${get('ok') === true ? 'digest matches' : 'MISMATCH'}` };
    }
    case 'enact':
      return { rows: num(get('enacted')), detail: `${countOrUnknown(num(get('enacted')), 'IU')} enacted, ${num(get('supersededCount')) ?? '?'} superseded` };
    case 'compensate': {
      const [drafts = 0, retired = 0, reEnacted = 0] = ['removedDrafts', 'retired', 'reEnacted'].map((k) => num(get(k)) ?? 0);
      // Compensation deletes nothing: a draft it undoes is marked `retired` in the database, as an enacted version is.
      return { rows: drafts + retired + reEnacted, detail: `${counted(drafts, 'draft')} retired (never enacted), ${counted(retired, 'enacted version')} retired, ${counted(reEnacted, 'earlier version')} enacted again` };
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

/** A `cutter.restored` entry of the journal: a process picked the run up (after a crash, or to act on it). */
export interface RestoreMark {
  readonly seq: number;
  readonly at: string;
  /** Who picked it up (`--as`), when the process said. */
  readonly by: string | null;
  readonly pid: number | null;
}

/** The restores of a journal, in order. */
export function restoresOf(journal: readonly { seq: number; at: string; event: { type: string } & Readonly<Record<string, unknown>> }[]): RestoreMark[] {
  return journal.filter((e) => e.event.type === 'cutter.restored')
    .map((e) => ({ seq: e.seq, at: e.at, by: typeof e.event.by === 'string' ? e.event.by : null, pid: num(e.event.pid) }));
}

const pickedUp = (mark: RestoreMark): string => `${mark.by ?? 'another process'}${mark.pid === null ? '' : ` (pid ${mark.pid})`}`;

/**
 * The stays in each state after the initial one, from the path's steps, with each phase's rows and result. A phase
 * whose process died is split where another process picked the run up (a restore journalled while the phase was in
 * flight): one row `interrupted`, then the row of the phase as it continued, so a crash is never one long row.
 */
export function buildTimeline(graph: StatechartGraph, steps: readonly PathStep[], restores: readonly RestoreMark[] = []): TimelineRow[] {
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
  /** Rows of the interrupted part(s) of a phase stay; returns where its last, continued part starts. */
  const interruptions = (open: { state: string; start: string; seq: number }, untilSeq: number): { start: string; resumed: RestoreMark | null } => {
    const { kind, name } = describe(open.state);
    let start = open.start;
    let resumed: RestoreMark | null = null;
    if (kind !== 'phase') return { start, resumed };
    for (const mark of restores.filter((r) => r.seq > open.seq && r.seq < untilSeq)) {
      rows.push({ state: open.state, kind, name, start, end: mark.at, durationMs: Date.parse(mark.at) - Date.parse(start), rows: null, outcome: 'interrupted',
        detail: `the process running this phase stopped before it ended; ${pickedUp(mark)} restored the run and the phase ran again (what had committed is not written twice)` });
      start = mark.at;
      resumed = mark;
    }
    return { start, resumed };
  };
  const continued = (resumed: RestoreMark | null, detail: string): string => (resumed === null ? detail : `continued by ${pickedUp(resumed)}${detail === '' ? '' : `; ${detail}`}`);
  let open: { state: string; start: string; seq: number } | null = null;
  for (const step of steps) {
    if (step.to === step.from) continue;
    if (open !== null) {
      const { kind, name } = describe(open.state);
      const { start, resumed } = interruptions(open, step.seq);
      const left = leaving(step, kind === 'phase' ? name : null);
      rows.push({ state: open.state, kind, name, start, end: step.at, durationMs: Date.parse(step.at) - Date.parse(start), ...left, detail: continued(resumed, left.detail) });
    }
    open = { state: step.to, start: step.at, seq: step.seq };
  }
  if (open !== null) {
    const { kind, name } = describe(open.state);
    const { start, resumed } = interruptions(open, Number.POSITIVE_INFINITY);
    const outcome = kind === 'final' ? 'ended' : kind === 'phase' ? 'in flight' : 'waiting';
    rows.push({ state: open.state, kind, name, start, end: null, durationMs: null, rows: null, outcome, detail: continued(resumed, '') });
  }
  return rows;
}
