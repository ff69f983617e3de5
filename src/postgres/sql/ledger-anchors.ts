import type { LedgerAnchor } from '../../domain/ledger-anchors.js';
import type { DbSession } from '../port.js';

/**
 * The anchors the target itself keeps (see {@link LedgerAnchor}): the head checkpoint (migration 8, moved by a
 * trigger in each appender's transaction) and the Leg B phase record of every run, which holds its record's sequence
 * and hash. The head table exists from schema 8 on.
 */
export async function readLedgerAnchors(session: DbSession): Promise<LedgerAnchor[]> {
  const anchors: LedgerAnchor[] = [];
  const head = await session.query<{ present: boolean }>("SELECT to_regclass('cutter.ledger_head') IS NOT NULL AS present");
  if (head.rows[0]?.present === true) {
    const { rows } = await session.query<{ seq: string; record_hash: string }>('SELECT seq, record_hash FROM cutter.ledger_head');
    for (const r of rows) anchors.push({ source: 'head checkpoint', seq: Number(r.seq), recordHash: r.record_hash });
  }
  const { rows } = await session.query<{ run_id: string; seq: string | null; hash: string | null }>(
    "SELECT run_id, result->>'ledgerEntryId' AS seq, result->>'recordHash' AS hash FROM cutter.phase_records WHERE phase = 'legBRecord' ORDER BY run_id",
  );
  for (const r of rows) {
    if (r.seq !== null && r.hash !== null) anchors.push({ source: `Leg B phase record of run ${r.run_id}`, seq: Number(r.seq), recordHash: r.hash });
  }
  return anchors;
}
