import type { StatechartGraph } from '../chart/index.js';
import { verifyLedgerChain, type LedgerRecord, type LedgerVerification } from '../domain/ledger-chain.js';
import type { RunView } from '../runner/run-view.js';
import type { JournalEntry, StoredRun } from '../runs/run-store.js';
import { collectDecisions, type DecisionRow } from './decisions.js';
import type { Cutplan } from '../domain/cutplan.js';
import type { PlanPage } from '../runs/run-store.js';
import { buildTimeline, restoresOf, type TimelineRow } from './phase-timeline.js';
import { deriveRunPath, type RunPath } from './run-path.js';

/** What a report is built from: everything is read beforehand, so building it is pure. */
import type { NextStep } from '../policy/next-steps.js';

export interface ReportInput {
  readonly graph: StatechartGraph;
  readonly stored: StoredRun;
  /** The view of the stored snapshot (`viewOfStored`). */
  readonly view: RunView;
  readonly journal: readonly JournalEntry[];
  /** The whole ledger, in order, with the time of each record: the chain is verified, this change set's shown. */
  readonly ledger: readonly (LedgerRecord & { readonly recordedAt: string })[];
  /** Where the run lives, for people: a masked DSN or the embedded folder, never a secret. */
  readonly target: string;
  readonly generatedAt: string;
  /** What a parked run can do next, and what each step still needs. */
  readonly next?: readonly NextStep[];
  /** The run's plan (its addresses and actions are shown, never a body); null or absent when it cannot be read. */
  readonly plan?: Cutplan | null;
  /** Instead of `plan`: the first addresses of the plan as the store pages them, and how many it has. */
  readonly planPage?: PlanPage | null;
}

/** One address of the change set and what the change set does there. */
export interface AddressRow {
  readonly address: string;
  /** `new`, `changed`, `retire`, or null for a plan that was not compared with the target. */
  readonly action: string | null;
}

/** A kill-switch record of the ledger (`cutter kill-switch on|off`), made while the run existed. */
export interface KillSwitchRow {
  readonly seq: number;
  readonly recordedAt: string;
  readonly enabled: boolean | null;
  readonly by: string | null;
  readonly reason: string | null;
}

export interface ReportHeader {
  readonly runId: string;
  readonly mode: string;
  readonly target: string;
  readonly initiator: string;
  /** The state the run is in, or ended in. */
  readonly state: string;
  /** `completed`, `failed`, ... for an ended run; `parked` or `active` otherwise. */
  readonly status: string;
  /** Null for a run that stopped before planning pinned its plan. */
  readonly planHash: string | null;
  readonly changeSetId: string | null;
  readonly rowCount: number | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly generatedAt: string;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly tornReason: string | null;
  /** How many times a phase's process stopped mid-phase and another process picked the run up (see the timeline). */
  readonly interruptions: number;
}

export interface LedgerRow {
  readonly seq: number;
  readonly kind: string;
  readonly hashPrefix: string;
  readonly recordedAt: string;
}

/** Everything a run report shows, as plain data; {@link renderReportHtml} turns it into a page. */
export interface ReportModel {
  readonly header: ReportHeader;
  readonly next: readonly NextStep[];
  readonly path: RunPath;
  readonly timeline: readonly TimelineRow[];
  readonly decisions: readonly DecisionRow[];
  readonly ledger: { readonly entries: readonly LedgerRow[]; readonly chain: LedgerVerification };
  /** The change set's addresses, the first {@link MAX_ADDRESSES_SHOWN} in plan order; `total` counts them all. */
  readonly addresses: { readonly rows: readonly AddressRow[]; readonly total: number } | null;
  /** Kill-switch records made between the run's creation and its last update (or now, for a run not ended). */
  readonly killSwitch: readonly KillSwitchRow[];
}

/** How many addresses a report lists: enough for any reviewed change set, and a page that still opens at 100k rows. */
export const MAX_ADDRESSES_SHOWN = 2_000;

/** How many hex digits of a record hash the report shows: enough to find the record, short enough to read. */
export const HASH_PREFIX_LENGTH = 16;

/** Builds a run's report from its stored record, snapshot view, journal and the ledger. Pure. */
export function buildReportModel(input: ReportInput): ReportModel {
  const { stored, view } = input;
  const context = view.context;
  const changeSetId = context.changeSet?.changeSetId ?? null;
  const path = deriveRunPath(input.graph, input.journal, view.state);
  const timeline = buildTimeline(input.graph, path.steps, restoresOf(input.journal));
  const windowEnd = view.status === 'active' ? input.generatedAt : stored.updatedAt;
  const inWindow = (at: string): boolean => Date.parse(at) >= Date.parse(stored.createdAt) && Date.parse(at) <= Date.parse(windowEnd);
  const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
  return {
    header: {
      runId: stored.runId,
      mode: stored.mode,
      target: input.target,
      initiator: stored.initiator,
      state: view.state,
      status: view.output?.status ?? (view.parked ? 'parked' : view.status),
      planHash: stored.planHash,
      changeSetId,
      rowCount: context.changeSet?.rowCount ?? null,
      createdAt: stored.createdAt,
      updatedAt: stored.updatedAt,
      generatedAt: input.generatedAt,
      error: context.error === null ? null : { code: context.error.code, message: context.error.message },
      tornReason: context.tornReason,
      interruptions: timeline.filter((row) => row.outcome === 'interrupted').length,
    },
    next: input.next ?? [],
    path,
    timeline,
    decisions: collectDecisions(input.journal, view.gate),
    ledger: {
      entries: changeSetId === null ? [] : input.ledger
        .filter((r) => r.changeSetId === changeSetId)
        .map((r) => ({ seq: r.seq, kind: r.kind, hashPrefix: r.recordHash.slice(0, HASH_PREFIX_LENGTH), recordedAt: r.recordedAt })),
      chain: verifyLedgerChain(input.ledger),
    },
    addresses: input.planPage != null ? { rows: input.planPage.rows.slice(0, MAX_ADDRESSES_SHOWN), total: input.planPage.total } : input.plan == null ? null : {
      rows: input.plan.rows.slice(0, MAX_ADDRESSES_SHOWN).map((r) => ({ address: r.address, action: r.action ?? null })),
      total: input.plan.rows.length,
    },
    killSwitch: input.ledger
      .filter((r) => r.kind === 'kill-switch' && inWindow(r.recordedAt))
      .map((r) => ({ seq: r.seq, recordedAt: r.recordedAt, enabled: typeof r.payload.enabled === 'boolean' ? r.payload.enabled : null, by: text(r.payload.by), reason: text(r.payload.reason) })),
  };
}
