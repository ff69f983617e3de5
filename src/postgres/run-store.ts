import { validateCutplan, type Cutplan } from '../domain/cutplan.js';
import type { Mode } from '../domain/mode.js';
import type { JournalEntry, RunStore, StoredRun } from '../runs/run-store.js';
import type { IURow } from '../domain/iu.js';
import type { DbSession } from './port.js';
import { loadRows, type StageTable } from './sql/stage.js';
import { withinTransaction } from './transaction.js';

type Admin = <T>(work: (session: DbSession) => Promise<T>) => Promise<T>;

interface RunRow {
  run_id: string; mode: Mode; initiator: string; plan_hash: string; state: string; status: string;
  snapshot_version: number; created_at: Date | string; updated_at: Date | string;
}

/** A run's plan, a row per IU (migration 6), loaded by COPY in chunks: never one 100 MB JSON value. */
const PLAN_ROWS: StageTable = {
  name: 'cutter.run_plan_rows',
  columns: [['run_id', 'text'], ['ord', 'integer'], ['address', 'text'], ['title', 'text'], ['body', 'text'], ['source', 'text']],
};
const PLAN_CHUNK = 1000;

const iso = (value: Date | string): string => new Date(value).toISOString();
const toStored = (r: RunRow): StoredRun => ({
  runId: r.run_id, mode: r.mode, initiator: r.initiator, planHash: r.plan_hash, state: r.state, status: r.status,
  snapshotVersion: r.snapshot_version, createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
});

/** Runs kept in the target database (migration 5), through an administrator's session. */
export class PostgresRunStore implements RunStore {
  readonly #admin: Admin;

  constructor(admin: Admin) {
    this.#admin = admin;
  }

  /**
   * A store whose every call runs in a read-only transaction: the database itself refuses any write through it.
   * For replays and reports, which must never change a run.
   */
  static readOnly(admin: Admin): PostgresRunStore {
    return new PostgresRunStore((work) => admin((s) => withinTransaction(s, () => work(s), { readOnly: true })));
  }

  create(run: { runId: string; mode: Mode; initiator: string; planHash: string; plan: Cutplan; snapshotVersion: number }): Promise<void> {
    return this.#admin((s) => withinTransaction(s, async () => {
      await s.query(
        `INSERT INTO cutter.runs (run_id, mode, initiator, plan_hash, state, status, snapshot_version) VALUES ($1, $2, $3, $4, 'idle', 'active', $5)`,
        [run.runId, run.mode, run.initiator, run.planHash, run.snapshotVersion],
      );
      await loadRows(s, PLAN_ROWS, run.plan.rows, (r: IURow, ord) => [run.runId, ord, r.address, r.title, r.body, r.source ?? null], PLAN_CHUNK, () => undefined);
    }));
  }

  saveSnapshot(runId: string, snapshot: unknown, state: string, status: string): Promise<void> {
    return this.#admin((s) => updateSnapshot(s, runId, { snapshot, state, status }));
  }

  appendJournal(runId: string, entries: readonly JournalEntry[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    return this.#admin((s) => insertJournal(s, runId, entries));
  }

  /** The journal batch and the latest snapshot in one transaction: one commit per step, never a snapshot behind. */
  record(runId: string, entries: readonly JournalEntry[], latest: { snapshot: unknown; state: string; status: string } | null): Promise<void> {
    if (latest === null) return this.appendJournal(runId, entries);
    if (entries.length === 0) return this.#admin((s) => updateSnapshot(s, runId, latest));
    return this.#admin((s) => withinTransaction(s, async () => {
      await insertJournal(s, runId, entries);
      await updateSnapshot(s, runId, latest);
    }));
  }

  load(runId: string): Promise<{ run: StoredRun; snapshot: unknown; plan: Cutplan } | null> {
    return this.#admin(async (s) => {
      const { rows } = await s.query<RunRow & { snapshot: unknown }>('SELECT * FROM cutter.runs WHERE run_id = $1', [runId]);
      const row = rows[0];
      if (row === undefined) return null;
      const planRows = (await s.query<{ address: string; title: string; body: string; source: string | null }>(
        'SELECT address, title, body, source FROM cutter.run_plan_rows WHERE run_id = $1 ORDER BY ord', [runId],
      )).rows.map((r) => (r.source === null ? { address: r.address, title: r.title, body: r.body } : r));
      // Runs stored before migration 6 kept their plan as one jsonb value.
      const plan = planRows.length > 0 ? planRows
        : (await s.query<{ rows: unknown }>('SELECT rows FROM cutter.run_plans WHERE run_id = $1', [runId])).rows[0]?.rows;
      return { run: toStored(row), snapshot: row.snapshot, plan: validateCutplan(plan) };
    });
  }

  list(): Promise<StoredRun[]> {
    return this.#admin(async (s) => (await s.query<RunRow>('SELECT * FROM cutter.runs ORDER BY created_at, run_id')).rows.map(toStored));
  }

  journal(runId: string): Promise<JournalEntry[]> {
    return this.#admin(async (s) =>
      (await s.query<{ seq: number; event: JournalEntry['event']; at: Date | string }>('SELECT seq, event, at FROM cutter.run_journal WHERE run_id = $1 ORDER BY seq', [runId]))
        .rows.map((r) => ({ seq: r.seq, event: r.event, at: iso(r.at) })),
    );
  }
}

async function updateSnapshot(s: DbSession, runId: string, latest: { snapshot: unknown; state: string; status: string }): Promise<void> {
  await s.query('UPDATE cutter.runs SET snapshot = $2::jsonb, state = $3, status = $4, updated_at = now() WHERE run_id = $1', [runId, JSON.stringify(latest.snapshot), latest.state, latest.status]);
}

async function insertJournal(s: DbSession, runId: string, entries: readonly JournalEntry[]): Promise<void> {
  await s.query(
    'INSERT INTO cutter.run_journal (run_id, seq, event, at) SELECT $1, e.seq, e.event, e.at FROM jsonb_to_recordset($2::jsonb) AS e (seq integer, event jsonb, at timestamptz)',
    [runId, JSON.stringify(entries)],
  );
}
