import type { LedgerRecord } from './ledger-chain.js';

/**
 * A record of the ledger held somewhere its writer cannot silently rewind: the head checkpoint a trigger keeps, the
 * phase record of the run that wrote it, a signed checkpoint an auditor kept. Each names a record by sequence and hash.
 */
export interface LedgerAnchor {
  /** Where the anchor comes from, for the message: `head checkpoint`, `phase record of run r (legBRecord)`, ... */
  readonly source: string;
  readonly seq: number;
  readonly recordHash: string;
}

export type AnchorCheck = { readonly ok: true } | { readonly ok: false; readonly seq: number; readonly reason: string };

/**
 * Checks a chain (already verified link by link) against its anchors: each anchored record must still be there, with
 * its hash. A chain whose tail was removed still links up; the anchor past its end shows it. A chain replaced whole
 * links up too; the anchored hash that differs shows it.
 */
export function checkLedgerAnchors(records: readonly LedgerRecord[], anchors: readonly LedgerAnchor[]): AnchorCheck {
  const bySeq = new Map(records.map((r) => [r.seq, r]));
  const last = records.at(-1)?.seq ?? 0;
  for (const anchor of [...anchors].sort((a, b) => a.seq - b.seq)) {
    const record = bySeq.get(anchor.seq);
    if (record === undefined) {
      const where = anchor.seq > last ? `but the ledger ends at #${last}: its tail was removed` : 'but the ledger has no such record';
      return { ok: false, seq: anchor.seq, reason: `the ${anchor.source} holds record #${anchor.seq} (${anchor.recordHash.slice(0, 12)}…), ${where}` };
    }
    if (record.recordHash !== anchor.recordHash) {
      return { ok: false, seq: anchor.seq, reason: `record #${anchor.seq} hashes to ${record.recordHash.slice(0, 12)}…, the ${anchor.source} holds ${anchor.recordHash.slice(0, 12)}…: the chain was rewritten from there on` };
    }
  }
  return { ok: true };
}
