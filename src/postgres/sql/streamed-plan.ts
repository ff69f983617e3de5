import type { PinnedDigests } from '../../domain/pinned-plan-facts.js';
import type { RowAction } from '../../domain/iu.js';
import { PlanConflict, StopInvariantFailed } from '../../errors/index.js';
import { schemaVersionOf } from '../migrations/index.js';
import type { DbSession } from '../port.js';
import { CLASSIFY_SQL, MISSING_SQL, type ClassifiedAddress } from './classify-plan.js';
import { cursorRows } from './cursor.js';
import { CLASSES, hashChangeSet, sendChangeSet, sendRetirements, type ChangeSetSink } from './stage-change-set.js';
import { holdsNoVersions, stageFirstLoad } from './stage-first-load.js';
import { STAGE, stageSourceKeys, type StreamedSources } from './stage-sources.js';

export type { StreamedSourceRow, StreamedSources } from './stage-sources.js';
export type { ChangeSetSink } from './stage-change-set.js';

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

/** Where `cutter plan` keeps the change set's rows for the transaction (it is rolled back): what --out and --diff read. */
export const PLAN_ROWS: ChangeSetSink = {
  table: {
    name: 'cutter_plan_rows',
    columns: [['ord', 'integer'], ['address', 'text'], ['title', 'text'], ['body', 'text'], ['source', 'text'], ['content_hash', 'text'], ['action', 'text']],
  },
  fields: (r, ord) => [ord, r.address, r.title, r.body, r.source, r.contentHash, r.action],
  where: 'true',
  params: [],
};

/** Every staged row with its action and version (keys only: the bodies are in the sink, for the change set alone). */
const CLASSIFIED = `SELECT s.ord, s.address, coalesce(c.action, 'new') AS action, coalesce(c.version, 1) AS version, c.supersedes
  FROM ${STAGE.name} s LEFT JOIN ${CLASSES} c ON c.ord = s.ord`;

/**
 * Plans streamed sources against the target in `session`'s open transaction, never holding the plan, in two passes
 * over the sources. Pass 1 validates and content-hashes every row as it is read and COPYs only its key (address,
 * content hash) into a temporary stage; duplicate addresses, the classification (new, changed, unchanged, retired
 * within `retireWithin`, or `null` for the sources' own documents) and open drafts of other change sets are found
 * server-side. Pass 2 reads the sources again and sends only the change set's rows, bodies and all, into `sink` (by
 * default a temporary table, {@link PLAN_ROWS}; pinSourceRows gives the run's pin), followed by the retirements copied
 * server-side; the body of a row that does not change never crosses the wire. The plan hash is computed from the
 * sink's rows read back in address order through a cursor: the same bytes, so the same hash, as planHashOf over the
 * plan classifyPlan returns for the same rows. A first load (a target holding no version) is planned in one pass
 * instead (stageFirstLoad): every row is new, and goes with its body straight into `sink`. The stage stays for the
 * transaction, for {@link stagedAddresses}, {@link stagedChangeSet} and {@link stagedTouched}.
 *
 * @throws {PlanInvalid} what loadPlanSources and validateCutplan refuse, with the same issues (each row's message
 *   prefixed with its origin); a bad source file's own refusal as its reader throws it; a row that pass 2 does not find
 *   as pass 1 read it.
 * @throws {PlanConflict} naming every address with an open draft of another change set.
 */
export async function stagePlan(session: DbSession, sources: StreamedSources, retireWithin: readonly string[] | null, sink: ChangeSetSink = PLAN_ROWS): Promise<StagedPlan> {
  // For this transaction only: a few large statements, for which compiling (JIT) costs more than it saves (0.7 s of a
  // 1.5 s classification at 100k), and whose hashes and aggregates of a million keys should not spill to disk.
  await session.query('SET LOCAL jit = off');
  await session.query("SET LOCAL work_mem = '64MB'");
  const schemaVersion = await schemaVersionOf(session);
  // Created even for an empty change set, so what reads it back finds it empty.
  if (sink === PLAN_ROWS) await session.query(`CREATE TEMP TABLE ${sink.table.name} (${sink.table.columns.map(([n, t]) => `${n} ${t}`).join(', ')}) ON COMMIT DROP`);
  await session.query(`CREATE TEMP TABLE ${CLASSES} (ord integer NOT NULL, action text NOT NULL, version integer NOT NULL, supersedes integer, conflict text) ON COMMIT DROP`);
  // A first load (the target holds no version) needs neither classification nor a second reading: one pass.
  const firstLoad = (await holdsNoVersions(session, schemaVersion)) ? await stageFirstLoad(session, sources, sink) : null;
  const rows = firstLoad ?? await stageSourceKeys(session, sources);
  const counts = firstLoad === null && schemaVersion > 0 ? await classifyStaged(session, rows, retireWithin) : { new: rows, changed: 0, retire: 0, unchanged: 0 };
  const rowCount = counts.new + counts.changed + counts.retire;
  if (rowCount === 0) return { counts, rowCount, planHash: null, digests: null };
  const written = firstLoad ?? (counts.new + counts.changed === 0 ? 0 : await sendChangeSet(session, sources, sink, counts.new > 0));
  const retired = counts.retire === 0 ? 0 : await sendRetirements(session, sink, written);
  const { planHash, digests } = await hashChangeSet(session, sink);
  if (written + retired !== rowCount || digests.rowCount !== rowCount) {
    throw new StopInvariantFailed('planning', { reason: `${digests.rowCount} rows written (${written} sent, ${retired} retired) for a change set of ${rowCount}` });
  }
  return { counts, rowCount, planHash, digests };
}

/**
 * Classifies the `rows` staged rows against the target (as classifyRows does), stages the retirements, refuses
 * conflicts; returns the counts, taken as the classes are written.
 */
async function classifyStaged(session: DbSession, rows: number, retireWithin: readonly string[] | null): Promise<StagedPlan['counts']> {
  const found = (await session.query<{ action: RowAction | 'unchanged' | 'conflict'; n: number }>(`WITH written AS (
    INSERT INTO ${CLASSES} (ord, action, version, supersedes, conflict)
    SELECT c.ord, c.action, CASE c.action WHEN 'unchanged' THEN coalesce(c.enacted, c.latest) WHEN 'conflict' THEN c.latest ELSE c.latest + 1 END,
      c.enacted, CASE WHEN c.action = 'conflict' THEN c.change_set_id END
    FROM (${CLASSIFY_SQL}) c RETURNING action)
    SELECT action, count(*)::integer AS n FROM written GROUP BY action`)).rows;
  const count = (action: RowAction | 'unchanged' | 'conflict') => found.find((c) => c.action === action)?.n ?? 0;
  if (count('conflict') > 0) {
    const conflicts = (await session.query<{ address: string; changeSetId: string; version: number }>(
      `SELECT s.address, c.conflict AS "changeSetId", c.version FROM ${CLASSES} c JOIN ${STAGE.name} s ON s.ord = c.ord WHERE c.action = 'conflict' ORDER BY s.ord`,
    )).rows;
    throw new PlanConflict(conflicts);
  }
  // A row the target has no version of is new without a class of its own.
  const counts = { new: rows - count('changed') - count('unchanged'), changed: count('changed'), retire: 0, unchanged: count('unchanged') };
  // --retire-missing without --scope: within the sources' documents (each address's first segment).
  const scopes = retireWithin ?? (await session.query<{ scope: string }>(`SELECT DISTINCT split_part(address, '/', 1) AS scope FROM ${STAGE.name} ORDER BY 1`)).rows.map((r) => r.scope);
  if (scopes.length === 0) return counts;
  // Retirements are staged by key, after the sources' rows; their titles and bodies are copied from the target into
  // the sink (sendRetirements), never through the client.
  const { rowCount: retire } = await session.query(`
    WITH m AS (SELECT x.*, ($2::integer + row_number() OVER (ORDER BY x.address COLLATE "C") - 1)::integer AS ord FROM (${MISSING_SQL}) x),
    staged AS (INSERT INTO ${STAGE.name} (ord, address, content_hash, valid) SELECT ord, address, content_hash, true FROM m)
    INSERT INTO ${CLASSES} (ord, action, version) SELECT ord, 'retire', version FROM m`, [[...scopes], rows]);
  return { ...counts, retire };
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
    session, `SELECT address, title, body, content_hash, action FROM ${PLAN_ROWS.table.name} ORDER BY ord`,
  )) yield { address: r.address, title: r.title, body: r.body, contentHash: r.content_hash, action: r.action };
}

/** Each changed or retired row with the enacted body, in the plan's order: what `--diff` shows. */
export async function* stagedTouched(session: DbSession): AsyncGenerator<{ address: string; action: 'changed' | 'retire'; body: string; enacted: string }> {
  yield* cursorRows(session, `SELECT x.address, x.action, x.body, coalesce(v.body, '') AS enacted FROM ${PLAN_ROWS.table.name} x
    LEFT JOIN cutter.iu_versions v ON v.address = x.address AND v.status = 'enacted' WHERE x.action IN ('changed', 'retire') ORDER BY x.ord`);
}
