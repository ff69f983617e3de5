import { validateCutplan, type Cutplan } from '../domain/cutplan.js';
import type { Mode } from '../domain/mode.js';
import type { PinnedPlanFacts } from '../domain/pinned-plan-facts.js';
import { anyPinnedAddress, readPinnedFacts, type InTargetTransaction } from './sql/pinned-facts.js';
import { RunBusy, RunNotFound, SnapshotVersionMismatch, type RunHolder } from '../runs/errors.js';
import { WriteDurability, type HoldClaim, type JournalEntry, type PinnedRiskFacts, type PlanCounts, type PlanPage, type RunStore, type StoredMigration, type StoredRun, type WriteFence } from '../runs/run-store.js';
import { sqlStateOf } from './errors.js';
import type { IURow } from '../domain/iu.js';
import type { DbSession } from './port.js';
import { fencedWriteQuery, type FencedWrite } from './sql/fenced-write.js';
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
  columns: [['run_id', 'text'], ['ord', 'integer'], ['address', 'text'], ['title', 'text'], ['body', 'text'], ['source', 'text'], ['action', 'text']],
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
      `INSERT INTO cutter.runs (run_id, mode, initiator, plan_hash, state, status, snapshot_version, plan_reverts) VALUES ($1, $2, $3, $4, 'idle', 'active', $5, $6)`,
      [run.runId, run.mode, run.initiator, run.planHash, run.snapshotVersion, plan?.reverts ?? null],
    );
    // A run whose plan the target pins at planning is one row: one statement, no transaction to open.
    if (plan === null) return this.#admin(async (s) => { await insertRun(s); });
    return this.#admin((s) => withinTransaction(s, async () => {
      await insertRun(s);
      await loadRows(s, PLAN_ROWS, plan.rows, (r: IURow, ord) => [run.runId, ord, r.address, r.title, r.body, r.source ?? null, r.action ?? null], PLAN_CHUNK, () => undefined);
    }));
  }

  /**
   * The run's row and this process's hold in one statement. `withNextCommit` commits it without waiting for the log
   * flush, as {@link PostgresRunStore.record} does: planning's commit (or the write that parks or ends the run) follows.
   */
  createHeld(run: { runId: string; mode: Mode; initiator: string; snapshotVersion: number }, claim: HoldClaim, durability: WriteDurability = WriteDurability.Now): Promise<void> {
    const flushLater = durability === WriteDurability.WithNextCommit ? " WHERE set_config('synchronous_commit', 'off', true) = 'off'" : '';
    return this.#admin(async (s) => {
      const { rowCount } = await s.query(
        `WITH run AS (INSERT INTO cutter.runs (run_id, mode, initiator, plan_hash, state, status, snapshot_version)
           SELECT $1::text, $2::text, $3::text, NULL, 'idle', 'active', $4::integer${flushLater} RETURNING run_id)
         INSERT INTO cutter.run_holds (run_id, token, pid, host, command, expires_at)
           SELECT run_id, $5::text, $6::integer, $7::text, $8::text, now() + make_interval(secs => $9::double precision) FROM run`,
        [run.runId, run.mode, run.initiator, run.snapshotVersion, claim.token, claim.pid, claim.host, claim.command, claim.ttlSeconds],
      );
      // Both rows, or a failed statement: never a run silently not stored.
      if (rowCount !== 1) throw new Error(`run ${run.runId} was not stored (${rowCount} hold rows written)`);
    });
  }

  saveSnapshot(runId: string, snapshot: unknown, state: string, status: string, fence?: WriteFence): Promise<void> {
    return this.#write(runId, { entries: [], latest: { snapshot, state, status }, fence });
  }

  appendJournal(runId: string, entries: readonly JournalEntry[], fence?: WriteFence): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    return this.#write(runId, { entries, latest: null, fence });
  }

  /**
   * The journal batch and the latest snapshot in one statement (so one transaction and one commit, and one round trip):
   * a stored snapshot is never behind its journal. `withNextCommit` commits it without waiting for the log flush
   * (`synchronous_commit = off` for this transaction only): the caller vouches that a synchronous commit in this
   * database follows (see {@link WriteDurability}).
   */
  record(runId: string, entries: readonly JournalEntry[], latest: { snapshot: unknown; state: string; status: string } | null, fence?: WriteFence, durability: WriteDurability = WriteDurability.Now, underway?: () => void): Promise<void> {
    if (latest === null && entries.length === 0) return Promise.resolve();
    return this.#write(runId, { entries, latest, fence, flushLater: durability === WriteDurability.WithNextCommit, ...(underway === undefined ? {} : { underway }) });
  }

  migrate(runId: string, migration: StoredMigration): Promise<boolean> {
    const { text, values } = fencedWriteQuery(runId, {
      version: migration.from, holdToken: migration.holdToken ?? null, entries: [migration.entry], newVersion: migration.to,
      latest: migration.snapshot === null ? null : { snapshot: migration.snapshot, state: migration.state, status: migration.status },
    });
    return this.#admin(async (s) => (await journalWrite(s, runId, text, values)).rows[0]?.n === 1);
  }

  hold(runId: string, claim: HoldClaim): Promise<{ held: true } | { held: false; holder: RunHolder }> {
    return this.#admin(async (s) => {
      // A holder may give the run back between the two statements: then try again, on this same session (a second
      // session from a pool of one would wait for this one for ever).
      for (;;) {
        const { rows } = await s.query<{ token: string }>(
          `INSERT INTO cutter.run_holds AS h (run_id, token, pid, host, command, expires_at)
           VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))
           ON CONFLICT (run_id) DO UPDATE SET token = EXCLUDED.token, pid = EXCLUDED.pid, host = EXCLUDED.host, command = EXCLUDED.command,
             since = CASE WHEN h.token = EXCLUDED.token THEN h.since ELSE now() END, expires_at = EXCLUDED.expires_at
           WHERE h.token = EXCLUDED.token OR h.expires_at < now()
           RETURNING token`,
          [runId, claim.token, claim.pid, claim.host, claim.command, claim.ttlSeconds],
        );
        if (rows.length === 1) return { held: true };
        const holder = await holderOf(s, runId);
        if (holder !== null) return { held: false, holder };
      }
    });
  }

  renewHold(runId: string, token: string, ttlSeconds: number): Promise<boolean> {
    return this.#admin(async (s) => (await s.query(
      'UPDATE cutter.run_holds SET expires_at = now() + make_interval(secs => $3) WHERE run_id = $1 AND token = $2', [runId, token, ttlSeconds],
    )).rowCount === 1);
  }

  releaseHold(runId: string, token: string): Promise<void> {
    return this.#admin(async (s) => { await s.query('DELETE FROM cutter.run_holds WHERE run_id = $1 AND token = $2', [runId, token]); });
  }

  /** One fenced statement: the journal entries and/or the snapshot, only while the fence holds (if given). */
  #write(runId: string, write: { entries: readonly JournalEntry[]; latest: FencedWrite['latest']; fence: WriteFence | undefined; flushLater?: boolean; underway?: () => void }): Promise<void> {
    const { entries, latest, fence } = write;
    const { text, values } = fencedWriteQuery(runId, {
      version: fence?.snapshotVersion ?? null, holdToken: fence?.holdToken ?? null, entries, latest, ...(write.flushLater === true ? { flushLater: true } : {}),
    });
    return this.#admin(async (s) => {
      // The session is this write's: the one statement below locks only the run's row and its journal's.
      write.underway?.();
      const { rows } = await journalWrite(s, runId, text, values);
      if (rows[0]?.n === 1) return;
      const stored = (await s.query<{ v: number }>('SELECT snapshot_version AS v FROM cutter.runs WHERE run_id = $1', [runId])).rows[0];
      if (stored === undefined) throw new RunNotFound(runId);
      if (fence !== undefined && stored.v !== fence.snapshotVersion) throw new SnapshotVersionMismatch(runId, stored.v, fence.snapshotVersion, 'this process writes version');
      throw new RunBusy(runId, await holderOf(s, runId), `run ${runId} is no longer held by this process: its writes are refused`);
    });
  }

  load(runId: string): Promise<{ run: StoredRun; snapshot: unknown; plan: Cutplan | null } | null> {
    return this.#admin(async (s) => {
      const found = await findIn(s, runId);
      if (found === null) return null;
      const plan = await storedPlanRows(s, runId);
      if (plan === undefined) return { ...found, plan: null };
      const reverts = (await s.query<{ reverts: string | null }>(
        'SELECT coalesce(r.plan_reverts, p.reverts) AS reverts FROM cutter.runs r LEFT JOIN cutter.pinned_plans p ON p.run_id = r.run_id WHERE r.run_id = $1', [runId],
      )).rows[0]?.reverts ?? null;
      return { ...found, plan: validateCutplan(plan, reverts === null ? {} : { reverts }) };
    });
  }

  /** The facts of a LIVE run's plan pinned in the target, read back through a cursor (never held); null if none is. */
  pinnedPlanFacts(runId: string): Promise<PinnedPlanFacts | null> {
    const transaction: InTargetTransaction = (work) => this.#admin((s) => withinTransaction(s, () => work(s), { readOnly: true }));
    return transaction((s) => readPinnedFacts(s, transaction, runId));
  }

  /** What risk rules look at in a LIVE run's pinned plan (its sizes; its addresses read on demand); null if none is pinned. */
  async pinnedRiskFacts(runId: string): Promise<PinnedRiskFacts | null> {
    const { rows: [facts] } = await this.#admin((s) => s.query<{ rows: number; retire: number; reverts: string | null }>(
      `SELECT count(*)::integer AS rows, count(*) FILTER (WHERE r.action = 'retire')::integer AS retire, max(p.reverts) AS reverts
       FROM cutter.pinned_plan_rows r JOIN cutter.pinned_plans p ON p.run_id = r.run_id WHERE r.run_id = $1`, [runId]));
    if (facts === undefined || facts.rows === 0) return null;
    const transaction: InTargetTransaction = (work) => this.#admin((s) => withinTransaction(s, () => work(s), { readOnly: true }));
    return { rowCount: facts.rows, retireCount: facts.retire, revert: facts.reverts !== null, anyAddress: anyPinnedAddress(transaction, runId) };
  }

  /** The first `limit` addresses of a run's plan (stored or pinned) with their actions, in plan order, and how many it has. */
  planPage(runId: string, limit: number): Promise<PlanPage | null> {
    return this.#admin(async (s) => {
      for (const table of ['cutter.run_plan_rows', 'cutter.pinned_plan_rows']) {
        const { rows } = await s.query<{ address: string; action: string | null; total: string }>(
          `SELECT address, action, count(*) OVER () AS total FROM ${table} WHERE run_id = $1 ORDER BY ord LIMIT $2`, [runId, limit]);
        if (rows.length > 0) return { rows: rows.map((r) => ({ address: r.address, action: r.action })), total: Number(rows[0]?.total) };
      }
      return null;
    });
  }

  /** How many rows of a run's plan (stored or pinned) carry each action, counted by the database. */
  planCounts(runId: string): Promise<PlanCounts | null> {
    return this.#admin(async (s) => {
      for (const table of ['cutter.run_plan_rows', 'cutter.pinned_plan_rows']) {
        const { rows: [c] } = await s.query<{ rows: number; new: number; changed: number; retire: number }>(
          `SELECT count(*)::integer AS rows, count(*) FILTER (WHERE action = 'new')::integer AS new, count(*) FILTER (WHERE action = 'changed')::integer AS changed,
             count(*) FILTER (WHERE action = 'retire')::integer AS retire FROM ${table} WHERE run_id = $1`, [runId]);
        if (c !== undefined && c.rows > 0) return c;
      }
      return null;
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
    const { rows } = await s.query<{ address: string; title: string; body: string; source: string | null; action: string | null }>(
      `SELECT address, title, body, source, action FROM ${table} WHERE run_id = $1 ORDER BY ord`, [runId],
    );
    if (rows.length > 0) {
      return rows.map(({ address, title, body, source, action }) => ({ address, title, body, ...(source === null ? {} : { source }), ...(action === null ? {} : { action }) }));
    }
  }
  return (await s.query<{ rows: unknown }>('SELECT rows FROM cutter.run_plans WHERE run_id = $1', [runId])).rows[0]?.rows;
}

/**
 * Runs a write that appends to a run's journal: an entry whose sequence another process already wrote (only possible
 * without holds) is refused as {@link RunBusy}, never as a duplicate-key crash; the whole statement wrote nothing.
 */
async function journalWrite(s: DbSession, runId: string, text: string, values: unknown[]) {
  try {
    return await s.query<{ n: number }>(text, values);
  } catch (error) {
    if (sqlStateOf(error) === '23505' && /run_journal_pkey/.test((error as Error).message)) {
      throw new RunBusy(runId, await holderOf(s, runId), `another process has written to the journal of run ${runId}: this process's write was refused, and nothing of it was kept`);
    }
    throw error;
  }
}

/** Who holds a run, or null. */
async function holderOf(s: DbSession, runId: string): Promise<RunHolder | null> {
  const row = (await s.query<{ pid: number; host: string; command: string; since: Date | string; until: Date | string }>(
    'SELECT pid, host, command, since, expires_at AS until FROM cutter.run_holds WHERE run_id = $1', [runId],
  )).rows[0];
  return row === undefined ? null : { pid: row.pid, host: row.host, command: row.command, since: iso(row.since), until: iso(row.until) };
}
