import { GENESIS_HASH, ledgerRecordHash, type LedgerEntry, type LedgerRecord } from '../../domain/ledger-chain.js';
import type { DbSession } from '../port.js';

/**
 * Appends one record to the hash chain. An advisory lock serialises appenders (the phase roles have no right to
 * lock the table), and UNIQUE (prev_hash) makes a fork impossible even if one slipped through.
 */
export async function appendLedger(session: DbSession, entry: LedgerEntry): Promise<{ seq: number; recordHash: string }> {
  await session.query("SELECT pg_advisory_xact_lock(hashtext('cutter.ledger'))");
  const { rows } = await session.query<{ record_hash: string }>('SELECT record_hash FROM cutter.ledger ORDER BY seq DESC LIMIT 1');
  const prevHash = rows[0]?.record_hash ?? GENESIS_HASH;
  const recordHash = ledgerRecordHash(prevHash, entry);
  const inserted = await session.query<{ seq: string }>(
    'INSERT INTO cutter.ledger (kind, change_set_id, payload, prev_hash, record_hash) VALUES ($1, $2, $3::jsonb, $4, $5) RETURNING seq',
    [entry.kind, entry.changeSetId, JSON.stringify(entry.payload), prevHash, recordHash],
  );
  return { seq: Number(inserted.rows[0]?.seq), recordHash };
}

/** A ledger record with the time the database recorded it (not part of the hash: the chain commits to content). */
export interface TimedLedgerRecord extends LedgerRecord {
  readonly recordedAt: string;
}

/** The whole chain in order, for `cutter ledger verify`. */
export async function readLedger(session: DbSession): Promise<LedgerRecord[]> {
  return (await readTimedLedger(session)).map(({ recordedAt: _recordedAt, ...record }) => record);
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
