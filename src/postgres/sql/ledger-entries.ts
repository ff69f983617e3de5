import type { LedgerEntry, LedgerRecord } from '../../domain/ledger-chain.js';
import type { DbSession } from '../port.js';

/** A ledger record with the time the database recorded it (not part of the hash: the chain commits to content). */
export interface TimedLedgerRecord extends LedgerRecord {
  readonly recordedAt: string;
}

/** The whole chain in order with each record's time, for reports (which verify the chain and show one change set). */
export async function readTimedLedger(session: DbSession): Promise<TimedLedgerRecord[]> {
  const { rows } = await session.query<{
    seq: string; kind: LedgerEntry['kind']; change_set_id: string | null; payload: Record<string, unknown>;
    prev_hash: string; record_hash: string; recorded_at: Date | string;
  }>('SELECT seq, kind, change_set_id, payload, prev_hash, record_hash, recorded_at FROM cutter.ledger ORDER BY seq');
  return rows.map((r) => ({
    seq: Number(r.seq), kind: r.kind, changeSetId: r.change_set_id, payload: r.payload,
    prevHash: r.prev_hash, recordHash: r.record_hash, recordedAt: new Date(r.recorded_at).toISOString(),
  }));
}
