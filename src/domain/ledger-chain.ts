import { hashCanonical } from './hashing.js';

/** The `prevHash` of the first ledger record. */
export const GENESIS_HASH = '0'.repeat(64);

/** What one ledger record commits to. */
export interface LedgerEntry {
  readonly kind: 'change-set' | 'revert' | 'kill-switch' | 'restore';
  readonly changeSetId: string | null;
  readonly payload: Readonly<Record<string, unknown>>;
}

/** A stored ledger record. */
export interface LedgerRecord extends LedgerEntry {
  readonly seq: number;
  readonly prevHash: string;
  readonly recordHash: string;
}

/**
 * The hash of a record: over the previous record's hash and the canonical JSON of what it records, so changing any
 * record, or the order, breaks every hash after it.
 */
export function ledgerRecordHash(prevHash: string, entry: LedgerEntry): string {
  return hashCanonical({ changeSetId: entry.changeSetId, kind: entry.kind, payload: entry.payload, prevHash });
}

export type LedgerVerification =
  | { readonly ok: true; readonly records: number; readonly headHash: string }
  | { readonly ok: false; readonly seq: number; readonly reason: string };

/** Checks a chain in `seq` order and names the first bad record. */
export function verifyLedgerChain(records: readonly LedgerRecord[]): LedgerVerification {
  let prev = GENESIS_HASH;
  for (const record of records) {
    if (record.prevHash !== prev) return { ok: false, seq: record.seq, reason: `prev_hash ${record.prevHash.slice(0, 12)}… does not follow ${prev.slice(0, 12)}…` };
    const expected = ledgerRecordHash(prev, record);
    if (record.recordHash !== expected) return { ok: false, seq: record.seq, reason: `record_hash does not match its content (expected ${expected.slice(0, 12)}…)` };
    prev = record.recordHash;
  }
  return { ok: true, records: records.length, headHash: prev };
}
