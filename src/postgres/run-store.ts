import { validateCutplan, type Cutplan } from '../domain/cutplan.js';
import type { Mode } from '../domain/mode.js';
import type { JournalEntry, RunStore, StoredRun } from '../runs/run-store.js';
import type { IURow } from '../domain/iu.js';
import type { DbSession } from './port.js';
import { loadRows, type StageTable } from './sql/stage.js';
import { withinTransaction } from './transaction.js';

type Admin = <T>(work: (session: DbSession) => Promise<T>) => Promise<T>;

interface RunRow {
  run_id: string; mode: Mode; initiator: string; plan_hash: string | null; state: string; status: string;
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
  /** It lives in the target, where the LIVE adapter pins a run's plan at planning (migration 7). */
  readonly readsPinnedPlans = true;
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

  create(run: { runId: string; mode: Mode; initiator: string; planHash: string | null; plan: Cutplan | null; snapshotVersion: number }): Promise<void> {
    const plan = run.plan;
    const insertRun = (s: DbSession) => s.query(
      `INSERT INTO cutter.runs (run_id, mode, initiator, plan_hash, state, status, snapshot_version) VALUES ($1, $2, $3, $4, 'idle', 'active', $5)`,
      [run.runId, run.mode, run.initiator, run.planHash, run.snapshotVersion],
    );
    // A run whose plan the target pins at planning is one row: one statement, no transaction to open.
    if (plan === null) return this.#admin(async (s) => { await insertRun(s); });
    return this.#admin((s) => withinTransaction(s, async () => {
      await insertRun(s);
      await loadRows(s, PLAN_ROWS, plan.rows, (r: IURow, ord) => [run.runId, ord, r.address, r.title, r.body, r.source ?? null], PLAN_CHUNK, () => undefined);
    }));
  }

  saveSnapshot(runId: string, snapshot: unknown, state: string, status: string): Promise<void> {
    return this.#admin((s) => updateSnapshot(s, runId, { snapshot, state, status }));
  }

  appendJournal(runId: string, entries: readonly JournalEntry[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    return this.#admin((s) => insertJournal(s, runId, entries));
  }

  /**
   * The journal batch and the latest snapshot in one statement (so one transaction and one commit, and one round trip):
   * a stored snapshot is never behind its journal.
   */
  record(runId: string, entries: readonly JournalEntry[], latest: { snapshot: unknown; state: string; status: string } | null): Promise<void> {
    if (latest === null) return this.appendJournal(runId, entries);
    if (entries.length === 0) return this.#admin((s) => updateSnapshot(s, runId, latest));
    return this.#admin(async (s) => {
      await s.query(
        `WITH journal AS (${INSERT_JOURNAL_SQL}) ${updateSnapshotSql(3)}`,
        [runId, JSON.stringify(entries), JSON.stringify(latest.snapshot), latest.state, latest.status],
      );
    });
  }

  load(runId: string): Promise<{ run: StoredRun; snapshot: unknown; plan: Cutplan | null } | null> {
    return this.#admin(async (s) => {
      const found = await findIn(s, runId);
      if (found === null) return null;
      const plan = await storedPlanRows(s, runId);
      return { ...found, plan: plan === undefined ? null : validateCutplan(plan) };
    });
  }

  /** The run and its snapshot, without reading its plan (100 MB at 100k rows). */
  find(runId: string): Promise<{ run: StoredRun; snapshot: unknown } | null> {
    return this.#admin((s) => findIn(s, runId));
  }

  list(): Promise<StoredRun[]> {
    return this.#admin(async (s) => (await s.query<RunRow>(`${SELECT_RUNS} ORDER BY r.created_at, r.run_id`)).rows.map(toStored));
  }

  journal(runId: string): Promise<JournalEntry[]> {
    return this.#admin(async (s) =>
      (await s.query<{ seq: number; event: JournalEntry['event']; at: Date | string }>('SELECT seq, event, at FROM cutter.run_journal WHERE run_id = $1 ORDER BY seq', [runId]))
        .rows.map((r) => ({ seq: r.seq, event: r.event, at: iso(r.at) })),
    );
  }
}

/** A run's plan hash is its own, or, for a run whose plan the target holds, the pinned plan's (null until pinned). */
const SELECT_RUNS = `SELECT r.run_id, r.mode, r.initiator, coalesce(r.plan_hash, p.plan_hash) AS plan_hash, r.state, r.status, r.snapshot,
  r.snapshot_version, r.created_at, r.updated_at FROM cutter.runs r LEFT JOIN cutter.pinned_plans p ON p.run_id = r.run_id`;

async function findIn(s: DbSession, runId: string): Promise<{ run: StoredRun; snapshot: unknown } | null> {
  const row = (await s.query<RunRow & { snapshot: unknown }>(`${SELECT_RUNS} WHERE r.run_id = $1`, [runId])).rows[0];
  return row === undefined ? null : { run: toStored(row), snapshot: row.snapshot };
}

/**
 * A run's plan rows: stored with the run (migration 6), else pinned in the target by planning (migration 7; a plan has
 * at least one row, so an empty read means none), else, for runs stored before migration 6, the one jsonb value;
 * undefined if there is none (the run stopped before planning pinned it).
 */
async function storedPlanRows(s: DbSession, runId: string): Promise<unknown> {
  for (const table of ['cutter.run_plan_rows', 'cutter.pinned_plan_rows']) {
    const { rows } = await s.query<{ address: string; title: string; body: string; source: string | null }>(
      `SELECT address, title, body, source FROM ${table} WHERE run_id = $1 ORDER BY ord`, [runId],
    );
    if (rows.length > 0) return rows.map((r) => (r.source === null ? { address: r.address, title: r.title, body: r.body } : r));
  }
  return (await s.query<{ rows: unknown }>('SELECT rows FROM cutter.run_plans WHERE run_id = $1', [runId])).rows[0]?.rows;
}

/** Sets the run's (`$1`) snapshot, state and status from the parameters numbered from `n`. */
const updateSnapshotSql = (n: number): string => `UPDATE cutter.runs SET snapshot = $${n}::jsonb, state = $${n + 1}, status = $${n + 2}, updated_at = now() WHERE run_id = $1`;
const INSERT_JOURNAL_SQL = 'INSERT INTO cutter.run_journal (run_id, seq, event, at) SELECT $1, e.seq, e.event, e.at FROM jsonb_to_recordset($2::jsonb) AS e (seq integer, event jsonb, at timestamptz)';

async function updateSnapshot(s: DbSession, runId: string, latest: { snapshot: unknown; state: string; status: string }): Promise<void> {
  await s.query(updateSnapshotSql(2), [runId, JSON.stringify(latest.snapshot), latest.state, latest.status]);
}

async function insertJournal(s: DbSession, runId: string, entries: readonly JournalEntry[]): Promise<void> {
  await s.query(INSERT_JOURNAL_SQL, [runId, JSON.stringify(entries)]);
}
