import type { TimedLedgerRecord } from '../postgres/sql/ledger.js';
import type { ChangeSetEntry } from '../postgres/sql/history.js';
import { counted } from '../text/plural.js';
import type { Terminal } from './terminal.js';

const orDash = (value: string | null): string => value ?? '-';

/**
 * One record of `cutter ledger show`. A change set's record counts the **IU versions it wrote** (its drafts; a
 * retirement writes no version), a restore's the IU versions it restored: never "planned rows", which `cutter log`
 * counts, so the two numbers of one change set can differ and each line says which it is.
 */
export function ledgerRecordLine(r: TimedLedgerRecord, terminal: Terminal): string {
  const versions = (n: unknown, how: string) => (typeof n === 'number' ? `  ${counted(n, 'IU version')} ${how}` : '');
  const what = r.kind === 'kill-switch'
    ? JSON.stringify(r.payload)
    : r.kind === 'restore'
      ? `${r.changeSetId ?? '-'}  backup ${String(r.payload.backupId)} into ${String(r.payload.into)}${versions(r.payload.rows, 'restored')}`
      : `${r.changeSetId ?? '-'}${versions(r.payload.rowCount, 'written')}${typeof r.payload.reverts === 'string' ? `  reverts ${r.payload.reverts}` : ''}`;
  return `#${String(r.seq).padEnd(5)} ${r.kind.padEnd(12)} ${what}  ${terminal.dim(`${r.recordedAt}  ${r.recordHash.slice(0, 16)}…`)}`;
}

/**
 * One change set of `cutter log`: it counts the change set's **planned rows** (new, changed and retired addresses
 * alike), where `ledger show` counts the IU versions written (retirements write none).
 */
export function changeSetLine(c: ChangeSetEntry, terminal: Terminal): string {
  const ledger = c.ledger.map((l) => `#${l.seq} ${l.kind}`).join(', ') || 'not in the ledger';
  return `${c.changeSetId}  ${counted(c.rowCount, 'planned row').padStart(16)}  ${orDash(c.state).padEnd(34)} run ${c.runId}  by ${orDash(c.initiator)}, cut ${orDash(c.cutApprover)}, enacted ${orDash(c.enactApprover)} (${orDash(c.reviewDecisionId)})${c.reverts === null ? '' : `  reverts ${c.reverts}`}  ${terminal.dim(`${ledger}, ${c.createdAt}`)}`;
}
