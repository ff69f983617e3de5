import { PlanHasher } from '../../domain/change-set.js';
import { validateRow } from '../../domain/cutplan.js';
import { PinnedDigests } from '../../domain/pinned-plan-facts.js';
import type { RowAction } from '../../domain/iu.js';
import { PlanLimits } from '../../domain/limits.js';
import { PlanConflict, PlanInvalid, type PlanIssue } from '../../errors/index.js';
import { schemaVersionOf } from '../migrations/index.js';
import type { DbSession } from '../port.js';
import { CLASSIFY_SQL, MISSING_SQL, type ClassifiedAddress } from './classify-plan.js';
import { cursorRows } from './cursor.js';
import { loadStreamedRows, type StageTable } from './stage.js';

/** One source row as read (unvalidated), and where it came from, for people. */
export interface StreamedSourceRow {
  readonly raw: unknown;
  readonly origin: string;
}

/** What planning streamed into the session found: the counts, and the change set's size and plan hash. */
export interface StagedPlan {
  readonly counts: { readonly new: number; readonly changed: number; readonly retire: number; readonly unchanged: number };
  /** Rows of the change set: new, changed and retired. 0: nothing changes. */
  readonly rowCount: number;
  /** The change set's plan hash, the one planHashOf gives the plan classifyPlan returns; null when nothing changes. */
  readonly planHash: string | null;
  /** The change set's counts and digests, as a pin of it would have them (see PinnedPlanFacts); null when nothing changes. */
  readonly digests: PinnedDigestsOf | null;
}

type PinnedDigestsOf = ReturnType<PinnedDigests['digest']>;

/**
 * The sources' rows, staged under the name classification reads (CLASSIFY_SQL, MISSING_SQL). An invalid row is kept
 * by its address only (`valid` false), so an address given twice is found even where a copy has other problems.
 */
const STAGE: StageTable = {
  name: 'cutter_classify_stage',
  columns: [['ord', 'integer'], ['address', 'text'], ['title', 'text'], ['body', 'text'], ['source', 'text'], ['content_hash', 'text'], ['origin', 'text'], ['valid', 'boolean']],
};
/** Each staged row's classification, by exception: a row without one is new, at version 1. */
const CLASSES = 'cutter_plan_classes';
const CHUNK_ROWS = 1000;

/** Every staged row with its action and version. */
const CLASSIFIED = `SELECT s.ord, s.address, s.title, s.body, s.source, s.content_hash, coalesce(c.action, 'new') AS action, coalesce(c.version, 1) AS version, c.supersedes
  FROM cutter_classify_stage s LEFT JOIN ${CLASSES} c ON c.ord = s.ord`;
const IN_CHANGE_SET = "action IN ('new', 'changed', 'retire')";

/**
 * Plans streamed sources against the target in `session`'s open transaction (which the caller rolls back), never
 * holding the plan: each row is validated and content-hashed as it is read and COPYed into a temporary stage, chunk by
 * chunk; duplicate addresses, the classification (new, changed, unchanged, retired within `retireWithin`, or `null`
 * for the sources' own documents) and open drafts of other change sets are found server-side; and the plan hash is
 * computed from the change set's rows read back in address order through a cursor: the same bytes, so the same hash,
 * as planHashOf over the plan classifyPlan returns for the same rows. The stage stays for the transaction, for
 * {@link stagedAddresses} and {@link stagedChangeSet}.
 *
 * @throws {PlanInvalid} what loadPlanSources and validateCutplan refuse, with the same issues (each row's message
 *   prefixed with its origin); a bad source file's own refusal as its reader throws it.
 * @throws {PlanConflict} naming every address with an open draft of another change set.
 */
export async function stagePlan(session: DbSession, sources: AsyncIterable<StreamedSourceRow>, retireWithin: readonly string[] | null): Promise<StagedPlan> {
  await session.query(`CREATE TEMP TABLE ${STAGE.name} (${STAGE.columns.map(([n, t]) => `${n} ${t}`).join(', ')}) ON COMMIT DROP`);
  const issues: PlanIssue[] = [];
  const actions = { withAction: 0, valid: 0, firstWithout: undefined as number | undefined };
  let rows = 0;
  async function* fields(): AsyncGenerator<readonly (string | number | boolean | null)[]> {
    for await (const { raw, origin } of sources) {
      if (rows >= PlanLimits.maxRows) throw new PlanInvalid([{ row: undefined, field: 'rows', message: `must contain at most ${PlanLimits.maxRows} rows` }]);
      const index = rows;
      rows += 1;
      const checked = validateRow(raw, index);
      for (const issue of checked.issues) issues.push({ ...issue, message: `${origin}: ${issue.message}` });
      const row = checked.row;
      if (row === undefined) {
        const address = typeof raw === 'object' && raw !== null ? (raw as { address?: unknown }).address : undefined;
        if (typeof address === 'string' && !address.includes('\u0000')) yield [index, address, null, null, null, null, origin, false];
        continue;
      }
      if (row.action !== undefined) actions.withAction += 1;
      else actions.firstWithout ??= actions.valid;
      actions.valid += 1;
      yield [index, row.address, row.title, row.body, row.source ?? null, row.contentHash, origin, true];
    }
  }
  await loadStreamedRows(session, STAGE, fields(), CHUNK_ROWS);
  await session.query(`CREATE INDEX ON ${STAGE.name} (address COLLATE "C")`);
  await session.query(`ANALYZE ${STAGE.name}`);
  await refuseInvalid(session, issues, actions);

  await session.query(`CREATE TEMP TABLE ${CLASSES} (ord integer PRIMARY KEY, action text NOT NULL, version integer NOT NULL, supersedes integer, conflict text) ON COMMIT DROP`);
  if ((await schemaVersionOf(session)) > 0) await classifyStaged(session, rows, retireWithin);
  const counted = (await session.query<{ action: RowAction | 'unchanged'; n: number }>(`SELECT action, count(*)::integer AS n FROM (${CLASSIFIED}) x GROUP BY action`)).rows;
  const count = (action: RowAction | 'unchanged') => counted.find((c) => c.action === action)?.n ?? 0;
  const counts = { new: count('new'), changed: count('changed'), retire: count('retire'), unchanged: count('unchanged') };
  const rowCount = counts.new + counts.changed + counts.retire;
  if (rowCount === 0) return { counts, rowCount, planHash: null, digests: null };
  return { counts, rowCount, ...(await stagedPlanHash(session)) };
}

/** Refuses the plan if a row had issues, an address is given twice, or only some rows carry an action. */
async function refuseInvalid(session: DbSession, issues: PlanIssue[], actions: { withAction: number; valid: number; firstWithout: number | undefined }): Promise<void> {
  const duplicates = (await session.query<{ ord: number; address: string; origin: string; first: number }>(`
    SELECT s.ord, s.address, s.origin, m.first FROM ${STAGE.name} s
    JOIN (SELECT address, min(ord) AS first FROM ${STAGE.name} GROUP BY address HAVING count(*) > 1) m ON m.address = s.address
    WHERE s.ord > m.first ORDER BY s.ord`)).rows;
  if (issues.length === 0 && duplicates.length === 0 && (actions.withAction === 0 || actions.withAction === actions.valid)) return;
  // validateCutplan's order: by row, a row's duplicate first, then its own issues; the action rule last.
  const merged: PlanIssue[] = [];
  let i = 0;
  for (const d of duplicates) {
    while (i < issues.length && (issues[i]?.row ?? -1) < d.ord) merged.push(issues[i++] as PlanIssue);
    merged.push({ row: d.ord, field: 'address', message: `${d.origin}: duplicates row ${d.first} (${d.address})` });
  }
  while (i < issues.length) merged.push(issues[i++] as PlanIssue);
  if (actions.withAction > 0 && actions.withAction < actions.valid) {
    // validateCutplan names the row by its index among the valid rows, and loadPlanSources prefixes the origin of the
    // row at that index: the same here, so both say the same thing.
    const origin = (await session.query<{ origin: string }>(`SELECT origin FROM ${STAGE.name} WHERE ord = $1`, [actions.firstWithout])).rows[0]?.origin;
    const message = 'some rows carry an action and this one does not: a plan is classified against a target as a whole (cutter plan)';
    merged.push({ row: actions.firstWithout, field: 'action', message: origin === undefined ? message : `${origin}: ${message}` });
  }
  throw new PlanInvalid(merged);
}

/** Classifies the staged rows against the target (as classifyRows does), stages the retirements, refuses conflicts. */
async function classifyStaged(session: DbSession, rows: number, retireWithin: readonly string[] | null): Promise<void> {
  await session.query(`INSERT INTO ${CLASSES} (ord, action, version, supersedes, conflict)
    SELECT c.ord, c.action, CASE c.action WHEN 'unchanged' THEN coalesce(c.enacted, c.latest) WHEN 'conflict' THEN c.latest ELSE c.latest + 1 END,
      c.enacted, CASE WHEN c.action = 'conflict' THEN c.change_set_id END
    FROM (${CLASSIFY_SQL}) c`);
  const conflicts = (await session.query<{ address: string; changeSetId: string; version: number }>(
    `SELECT s.address, c.conflict AS "changeSetId", c.version FROM ${CLASSES} c JOIN ${STAGE.name} s ON s.ord = c.ord WHERE c.action = 'conflict' ORDER BY s.ord`,
  )).rows;
  if (conflicts.length > 0) throw new PlanConflict(conflicts);
  // --retire-missing without --scope: within the sources' documents (each address's first segment).
  const scopes = retireWithin ?? (await session.query<{ scope: string }>(`SELECT DISTINCT split_part(address, '/', 1) AS scope FROM ${STAGE.name} ORDER BY 1`)).rows.map((r) => r.scope);
  if (scopes.length === 0) return;
  await session.query(`
    WITH m AS (SELECT x.*, ($2::integer + row_number() OVER (ORDER BY x.address COLLATE "C") - 1)::integer AS ord FROM (${MISSING_SQL}) x),
    staged AS (INSERT INTO ${STAGE.name} (ord, address, title, body, content_hash, valid) SELECT ord, address, title, body, content_hash, true FROM m)
    INSERT INTO ${CLASSES} (ord, action, version) SELECT ord, 'retire', version FROM m`, [[...scopes], rows]);
}

/**
 * The plan hash of the staged change set, its rows read back in address order (the order planHashOf hashes in), and in
 * the same pass the digests a pin of it would have.
 */
async function stagedPlanHash(session: DbSession): Promise<{ planHash: string; digests: PinnedDigestsOf }> {
  const hash = new PlanHasher();
  const digests = new PinnedDigests();
  for await (const row of cursorRows<{ action: RowAction; address: string; body: string; title: string; content_hash: string }>(
    session, `SELECT action, address, body, title, content_hash FROM (${CLASSIFIED}) x WHERE ${IN_CHANGE_SET} ORDER BY address COLLATE "C"`,
  )) {
    hash.add(row);
    digests.add({ address: row.address, contentHash: row.content_hash, action: row.action });
  }
  return { planHash: hash.digest(), digests: digests.digest() };
}

/** Every staged address with its action and version, in the order classifyPlan lists them (unchanged ones only if `all`). */
export async function* stagedAddresses(session: DbSession, all: boolean): AsyncGenerator<ClassifiedAddress> {
  for await (const r of cursorRows<{ address: string; action: ClassifiedAddress['action']; version: number; supersedes: number | null }>(
    session, `SELECT address, action, version, supersedes FROM (${CLASSIFIED}) x ${all ? '' : "WHERE action <> 'unchanged'"} ORDER BY ord`,
  )) yield { address: r.address, action: r.action, version: r.version, ...(r.action === 'changed' && r.supersedes !== null ? { supersedes: r.supersedes } : {}) };
}

/** The change set's rows in the plan's order (sources' order, then retirements), as `cutter plan --out` writes them. */
export async function* stagedChangeSet(session: DbSession): AsyncGenerator<{ address: string; title: string; body: string; contentHash: string; action: RowAction }> {
  for await (const r of cursorRows<{ address: string; title: string; body: string; content_hash: string; action: RowAction }>(
    session, `SELECT address, title, body, content_hash, action FROM (${CLASSIFIED}) x WHERE ${IN_CHANGE_SET} ORDER BY ord`,
  )) yield { address: r.address, title: r.title, body: r.body, contentHash: r.content_hash, action: r.action };
}

/** Each changed or retired row with the enacted body, in the plan's order: what `--diff` shows. */
export async function* stagedTouched(session: DbSession): AsyncGenerator<{ address: string; action: 'changed' | 'retire'; body: string; enacted: string }> {
  yield* cursorRows(session, `SELECT x.address, x.action, x.body, coalesce(v.body, '') AS enacted FROM (${CLASSIFIED}) x
    LEFT JOIN cutter.iu_versions v ON v.address = x.address AND v.status = 'enacted' WHERE x.action IN ('changed', 'retire') ORDER BY x.ord`);
}

/**
 * Pins the staged change set for `runId` in the caller's transaction: its rows copied server-side into
 * cutter.pinned_plan_rows, numbered densely in the plan's order (sources' order, then retirements), with their
 * actions. The rows never cross the wire again. Returns how many rows were pinned.
 */
export async function pinStaged(session: DbSession, runId: string): Promise<number> {
  const { rowCount } = await session.query(`INSERT INTO cutter.pinned_plan_rows (run_id, ord, address, title, body, source, content_hash, blank, action)
    SELECT $1, (row_number() OVER (ORDER BY x.ord) - 1)::integer, x.address, x.title, x.body, x.source, x.content_hash, false, x.action
    FROM (${CLASSIFIED}) x WHERE ${IN_CHANGE_SET}`, [runId]);
  return rowCount;
}
