import { verifyLedgerChain } from '../../domain/ledger-chain.js';
import { readLedger } from '../../postgres/sql/ledger.js';
import type { OpenTarget } from '../../postgres/open-target.js';
import type { Terminal } from '../terminal.js';
import { counted } from '../../text/plural.js';

/** Prints the governance ledger and whether its hash chain verifies. */
export async function printLedger(target: OpenTarget, terminal: Terminal): Promise<void> {
  const records = await target.admin((session) => readLedger(session));
  const check = verifyLedgerChain(records);
  terminal.line(terminal.bold(`Governance ledger (${counted(records.length, 'record')}, chain ${check.ok ? 'verifies' : `BROKEN at #${check.seq}: ${check.reason}`}):`));
  for (const r of records.slice(-10)) {
    const rows = (r.payload as { rowCount?: unknown }).rowCount;
    terminal.line(`  #${r.seq} ${r.kind.padEnd(10)} ${r.changeSetId ?? '-'}${typeof rows === 'number' ? `  ${counted(rows, 'IU')}` : ''}  ${terminal.dim(`hash ${r.recordHash.slice(0, 16)}… ← ${r.prevHash.slice(0, 16)}…`)}`);
  }
  if (records.length > 10) terminal.line(terminal.dim(`  (${records.length - 10} older records not shown)`));
}
