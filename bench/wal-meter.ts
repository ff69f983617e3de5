/**
 * The WAL a phase wrote, two ways, on one superuser connection to the scratch database: the server's insert position
 * before and after (every database's WAL, so other work on a shared server shows in it), and, with pg_walinspect, the
 * records between the two positions that carry the phase's own transaction ids (only its own). A temporary physical
 * replication slot keeps the WAL from being recycled before it is read; the server drops the slot when this
 * connection ends, however the bench ends.
 */
import pg from 'pg';

export interface WalFigures {
  /** Insert-position difference: all of the server's WAL in the interval. */
  readonly serverBytes: number;
  /** Records carrying the phase's transaction ids, and their total length (full-page images included). */
  readonly ownRecords: number;
  readonly ownBytes: number;
  readonly ownFpiBytes: number;
}

export class WalMeter {
  readonly #client: pg.Client;
  readonly #slot: string;

  private constructor(client: pg.Client, slot: string) {
    this.#client = client;
    this.#slot = slot;
  }

  static async open(dsn: string): Promise<WalMeter> {
    const client = new pg.Client({ connectionString: dsn });
    await client.connect();
    client.on('error', () => undefined);
    const slot = `cutter_breakdown_${process.pid}`;
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_walinspect');
    await client.query('SELECT pg_create_physical_replication_slot($1, true, true)', [slot]);
    return new WalMeter(client, slot);
  }

  /** The current insert position. */
  async position(): Promise<string> {
    return (await this.#client.query<{ lsn: string }>('SELECT pg_current_wal_insert_lsn()::text AS lsn')).rows[0]?.lsn ?? '0/0';
  }

  /** What was written from `start` to now, and how much of it under `xids`; then lets the slot release it. */
  async since(start: string, xids: readonly string[]): Promise<WalFigures> {
    const end = await this.position();
    const serverBytes = Number((await this.#client.query<{ d: string }>('SELECT pg_wal_lsn_diff($1, $2)::text AS d', [end, start])).rows[0]?.d ?? 0);
    let own = { n: 0, bytes: 0, fpi: 0 };
    if (xids.length > 0 && serverBytes > 0) {
      // pg_walinspect reads only flushed WAL, and a rolled-back transaction does not flush its own: a transaction
      // that writes a record here (a logical message, read by no one) and commits flushes everything before it.
      await this.#client.query("SELECT pg_logical_emit_message(true, 'cutter-breakdown', 'flush')");
      const { rows } = await this.#client.query<{ n: string; bytes: string | null; fpi: string | null }>(
        `SELECT count(*)::text AS n, sum(record_length)::text AS bytes, sum(fpi_length)::text AS fpi
         FROM pg_get_wal_records_info($1::pg_lsn, pg_current_wal_flush_lsn()) WHERE xid::text = ANY($2::text[])`,
        [start, [...xids]],
      );
      own = { n: Number(rows[0]?.n ?? 0), bytes: Number(rows[0]?.bytes ?? 0), fpi: Number(rows[0]?.fpi ?? 0) };
    }
    await this.#client.query('SELECT pg_replication_slot_advance($1, pg_current_wal_flush_lsn())', [this.#slot]);
    return { serverBytes, ownRecords: own.n, ownBytes: own.bytes, ownFpiBytes: own.fpi };
  }

  /** Runs administrative SQL (the variants' ALTERs) on this superuser connection. */
  async exec(sql: string): Promise<void> {
    await this.#client.query(sql);
  }

  async close(): Promise<void> {
    await this.#client.end().catch(() => undefined);
  }
}
