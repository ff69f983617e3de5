import type { Gate } from '../domain/approval.js';
import type { JournalEntry } from '../runs/run-store.js';
import { refusalLine, type RefusalLabel } from '../text/refusal-lines.js';

/** One thing a person did to the run (approve, reject, cancel, resume, escalate), or a lock's refusal on its own. */
export interface DecisionRow {
  readonly seq: number;
  /** When the run received it. */
  readonly at: string;
  readonly action: 'approve' | 'reject' | 'cancel' | 'resume' | 'escalate' | 'refusal';
  /** The gate, or `kill-switch` / `executor` for a lock's refusal; null when the event names none. */
  readonly gate: string | null;
  /** Who: the approver, or the person who rejected, cancelled, resumed or escalated. */
  readonly who: string | null;
  /** Their reason, as they wrote it (untrusted text: escape it wherever it is shown). */
  readonly reason: string | null;
  /** When an approval was signed. */
  readonly signedAt: string | null;
  /** Until when an approval counts (bound in its signature); null for other decisions. */
  readonly expiresAt: string | null;
  readonly reviewDecisionId: string | null;
  /**
   * Set when the run refused it, when a lock refused to go on after it, or when the gate took it and waits for more
   * (a quorum, a group, a window: journalled as a refusal of the `policy`). `label` says which, as `cutter status`
   * does: `refused`, or `waiting` / `waited` for a wait (see `refusalLine`).
   */
  readonly refusal: { readonly gate: string; readonly code: string; readonly reason: string; readonly label: RefusalLabel } | null;
}

const HUMAN = { APPROVE: 'approve', REJECT: 'reject', CANCEL: 'cancel', RESUME: 'resume', ESCALATE: 'escalate' } as const;

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const record = (value: unknown): Readonly<Record<string, unknown>> =>
  value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};

/**
 * The people's decisions and every refusal, from the journal. A refusal journalled right after a person's event is
 * that event's outcome (the run refused the approval, or a lock refused to continue); any other refusal is a row of
 * its own. The approval's signature is left out: it proves nothing to a reader of the page.
 *
 * `gate` is the gate the run is parked at now (null if none): a wait is `waiting` only while it is the run's last
 * record and about that gate, as `cutter status` says it.
 */
export function collectDecisions(journal: readonly JournalEntry[], gate: Gate | null): DecisionRow[] {
  const rows: DecisionRow[] = [];
  const lastRefusal = journal.findLastIndex((entry) => entry.event.type === 'cutter.refused');
  let last: { row: DecisionRow; index: number } | null = null;
  journal.forEach((entry, index) => {
    const event = entry.event;
    if (event.type === 'cutter.refused') {
      const recorded = { gate: text(event.gate) ?? '?', code: text(event.code) ?? '?', reason: text(event.reason) ?? '' };
      const refusal = { ...recorded, label: refusalLine(recorded, index === lastRefusal, gate).label };
      if (last?.index === index - 1 && last.row.refusal === null) {
        const row: DecisionRow = { ...last.row, refusal };
        rows[rows.length - 1] = row;
        last = { row, index };
        return;
      }
      rows.push({ seq: entry.seq, at: entry.at, action: 'refusal', gate: refusal.gate, who: null, reason: null, signedAt: null, expiresAt: null, reviewDecisionId: null, refusal });
      last = null;
      return;
    }
    const action = (HUMAN as Readonly<Record<string, DecisionRow['action']>>)[event.type];
    if (action === undefined) return;
    const approval = record(event.approval);
    const row: DecisionRow = action === 'approve'
      ? {
          seq: entry.seq, at: entry.at, action, gate: text(approval.gate), who: text(approval.approver), reason: text(approval.reason),
          signedAt: text(approval.issuedAt), expiresAt: text(approval.expiresAt), reviewDecisionId: text(approval.reviewDecisionId), refusal: null,
        }
      : { seq: entry.seq, at: entry.at, action, gate: text(event.gate), who: text(event.by), reason: text(event.reason), signedAt: null, expiresAt: null, reviewDecisionId: null, refusal: null };
    rows.push(row);
    last = { row, index };
  });
  return rows;
}
