import { planRowsInHashOrder } from '../../domain/change-set.js';
import type { Cutplan } from '../../domain/cutplan.js';
import { writesVersion, type IURow } from '../../domain/iu.js';
import { sha256Hex } from '../../domain/hashing.js';
import type { PinnedPlan } from '../../executors/executor.js';
import type { DbSession } from '../port.js';
import type { IUCreateStatus } from '../../domain/results.js';
import { blankFlag, classifySql, type CreatedRow } from './iu-create.js';
import { loadFieldRows, type StageTable } from './stage.js';
import { targetFingerprint } from './target-state.js';

const PINNED_ROWS: StageTable = {
  name: 'cutter.pinned_plan_rows',
  columns: [['run_id', 'text'], ['ord', 'integer'], ['address', 'text'], ['title', 'text'], ['body', 'text'], ['source', 'text'], ['content_hash', 'text'], ['blank', 'boolean'], ['action', 'text']],
};

/** The run's pinned plan, or undefined if planning has not pinned one. */
export async function findPin(session: DbSession, runId: string): Promise<PinnedPlan | undefined> {
  const { rows } = await session.query<{ plan_hash: string; row_count: number; target_fingerprint: string; fingerprint_at: Date | string }>(
    'SELECT plan_hash, row_count, target_fingerprint, fingerprint_at FROM cutter.pinned_plans WHERE run_id = $1',
    [runId],
  );
  const row = rows[0];
  return row === undefined ? undefined : { planHash: row.plan_hash, rowCount: row.row_count, fingerprint: row.target_fingerprint, at: new Date(row.fingerprint_at).toISOString() };
}

/**
 * Pins `plan` for `runId` in the caller's transaction: streams its rows into cutter.pinned_plan_rows (COPY, a chunk at
 * a time) while hashing them, so the plan is read once for both; then fingerprints the plan's addresses in the target
 * server-side and records the pin. `afterChunk` hears how many rows are pinned so far.
 */
export async function pinPlan(session: DbSession, runId: string, plan: Cutplan, chunkSize: number, afterChunk: (pinned: number) => void): Promise<PinnedPlan> {
  let planHash = '';
  // The walk hashes each row as it hands it over and returns the plan hash once every row was handed over.
  function* fields(): Generator<readonly (string | number | null)[]> {
    const walk = planRowsInHashOrder(plan);
    let next = walk.next();
    while (next.done !== true) {
      const { row, ord } = next.value;
      yield [runId, ord, row.address, row.title, row.body, row.source ?? null, row.contentHash, blankFlag(row), row.action ?? null];
      next = walk.next();
    }
    planHash = next.value;
  }
  await loadFieldRows(session, PINNED_ROWS, fields(), chunkSize, afterChunk);
  const target = await targetFingerprint(session, { pinnedRunId: runId });
  await session.query(
    'INSERT INTO cutter.pinned_plans (run_id, plan_hash, row_count, target_fingerprint, fingerprint_at, reverts) VALUES ($1, $2, $3, $4, $5, $6)',
    [runId, planHash, plan.rows.length, target.fingerprint, target.at, plan.reverts ?? null],
  );
  return { planHash, rowCount: plan.rows.length, fingerprint: target.fingerprint, at: target.at };
}

/** sha256 of the canonical `{ body, title }` (contentHashOf), computed by the server: to_json escapes as JSON.stringify does. */
const CONTENT_HASH_SQL = `encode(sha256(convert_to('{"body":' || to_json(p.body)::text || ',"title":' || to_json(p.title)::text || '}', 'UTF8')), 'hex')`;

/**
 * The pinned plan as the server sees it: how many rows, how many no longer hash to their content hash (a title or body
 * edited since planning), and the content digest of its (address, content hash) pairs, computed as contentDigestOf
 * computes it from the plan.
 */
const PIN_INTEGRITY_SQL = /* sql */ `
SELECT count(*)::integer AS rows,
       count(*) FILTER (WHERE p.content_hash <> ${CONTENT_HASH_SQL})::integer AS rehashed,
       encode(sha256(convert_to(coalesce(string_agg(p.address || E'\t' || p.content_hash || E'\n', '' ORDER BY p.address COLLATE "C"), ''), 'UTF8')), 'hex') AS digest,
       encode(sha256(convert_to(coalesce(string_agg(p.address || E'\t' || coalesce(p.action, '') || E'\n', '' ORDER BY p.address COLLATE "C"), ''), 'UTF8')), 'hex') AS actions
FROM cutter.pinned_plan_rows p WHERE p.run_id = $1`;

/** The digest {@link PIN_INTEGRITY_SQL} computes over the pinned rows' actions, computed from the plan's rows. */
export function actionDigestOf(rows: readonly IURow[]): string {
  const ordered = [...rows].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  return sha256Hex(ordered.map((r) => `${r.address}\t${r.action ?? ''}\n`).join(''));
}

/** Up to 20 pinned rows whose title or body no longer hash to their content hash. */
const REHASHED_ROWS_SQL = `SELECT p.address FROM cutter.pinned_plan_rows p WHERE p.run_id = $1 AND p.content_hash <> ${CONTENT_HASH_SQL} ORDER BY p.address LIMIT 20`;

/** {@link classifySql} over the run's (`$1`) pinned rows that write a version (a retirement writes none). */
const CLASSIFY_PINNED_SQL = classifySql("SELECT ord, address, content_hash, blank FROM cutter.pinned_plan_rows WHERE run_id = $1 AND action IS DISTINCT FROM 'retire'");

/** Inserts the pinned rows as drafts server-side; an address given in $3 gets the version given in $4, any other version 1. */
const INSERT_FROM_PIN_SQL = /* sql */ `
INSERT INTO cutter.iu_versions (address, version, title, body, content_hash, change_set_id)
SELECT p.address, coalesce(e.version, 1), p.title, p.body, p.content_hash, $2
FROM cutter.pinned_plan_rows p LEFT JOIN unnest($3::text[], $4::integer[]) AS e (address, version) ON e.address = p.address
WHERE p.run_id = $1 AND p.action IS DISTINCT FROM 'retire' AND p.ord >= $5 AND p.ord < $6`;

/** Why a pinned plan may not be cut: it is not, row for row, the plan the run holds (and its approvals bind). */
export type PinDifference =
  | { readonly kind: 'rehashed'; readonly addresses: readonly string[] }
  | { readonly kind: 'rows'; readonly pinned: number; readonly planned: number }
  | { readonly kind: 'digest'; readonly pinned: string; readonly planned: string }
  | { readonly kind: 'actions' };

/** What the pin must be to be cut: the plan's row count, content digest (every row) and action digest. */
export interface PinExpectation {
  readonly rows: number;
  readonly digest: string;
  readonly actions: string;
}

/**
 * Whether the run's pin is the plan the run holds (and its approvals bind): every pinned title and body still hash to
 * the row's content hash, and the pinned rows have the expected count, content digest and action digest. Null if so.
 */
export async function pinDifference(session: DbSession, runId: string, expected: PinExpectation): Promise<PinDifference | null> {
  const integrity = (await session.query<{ rows: number; rehashed: number; digest: string; actions: string }>(PIN_INTEGRITY_SQL, [runId])).rows[0];
  if (integrity === undefined || integrity.rehashed > 0) {
    const addresses = (await session.query<{ address: string }>(REHASHED_ROWS_SQL, [runId])).rows.map((r) => r.address);
    return { kind: 'rehashed', addresses };
  }
  if (integrity.rows !== expected.rows) return { kind: 'rows', pinned: integrity.rows, planned: expected.rows };
  if (integrity.digest !== expected.digest) return { kind: 'digest', pinned: integrity.digest, planned: expected.digest };
  if (integrity.actions !== expected.actions) return { kind: 'actions' };
  return null;
}

/** The pinned rows that write a version and could not be created as planned (classified as the cut does), by exception. */
export async function pinExceptions(session: DbSession, runId: string): Promise<{ address: string; version: number; status: IUCreateStatus }[]> {
  return (await session.query<{ address: string; version: number; status: IUCreateStatus }>(CLASSIFY_PINNED_SQL, [runId])).rows;
}

/**
 * Inserts the run's pinned rows (all but retirements) as drafts of the change set, server-side, a range of `ord` per
 * statement so progress follows what the database has written; an address among `versions` gets the version given
 * there, any other version 1. Returns how many drafts were inserted.
 */
export async function insertFromPin(
  session: DbSession,
  runId: string,
  changeSetId: string,
  versions: readonly { address: string; version: number }[],
  pinnedRows: number,
  chunkSize: number,
  progress: (done: number) => void,
): Promise<number> {
  const step = Math.max(1, chunkSize);
  let written = 0;
  for (let start = 0; start < pinnedRows; start += step) {
    const { rowCount } = await session.query(INSERT_FROM_PIN_SQL, [runId, changeSetId, versions.map((e) => e.address), versions.map((e) => e.version), start, start + step]);
    written += rowCount;
    progress(written);
  }
  return written;
}

/**
 * Creates a draft for every row of the run's pinned plan, in the caller's transaction, without the rows crossing the
 * wire again. First the pin must be the run's plan ({@link pinDifference} against `rows`); else nothing is written and
 * the difference is returned. Then every row is classified as {@link createStaged} does, and only if every row is
 * `created` are the pinned rows inserted. Returns a status per row, in the order of `rows`.
 */
export async function createFromPin(
  session: DbSession,
  runId: string,
  rows: readonly IURow[],
  plannedDigest: string,
  changeSetId: string,
  chunkSize = rows.length,
  progress: (done: number) => void = () => undefined,
): Promise<{ created: CreatedRow[]; difference: PinDifference | null }> {
  // The rows the cut writes: every row but a retirement (done at enactment). The pin is checked whole.
  const writing = rows.filter(writesVersion);
  const created: CreatedRow[] = writing.map((r) => ({ address: r.address, version: 1, status: 'created' }));
  const difference = await pinDifference(session, runId, { rows: rows.length, digest: plannedDigest, actions: actionDigestOf(rows) });
  if (difference !== null) return { created, difference };
  const exceptions = await pinExceptions(session, runId);
  if (exceptions.length > 0) {
    const at = new Map(writing.map((r, i) => [r.address, i]));
    for (const e of exceptions) {
      const i = at.get(e.address);
      if (i !== undefined) created[i] = { address: e.address, version: e.version, status: e.status };
    }
  }
  if (created.some((row) => row.status !== 'created')) return { created, difference: null };
  await insertFromPin(session, runId, changeSetId, exceptions, rows.length, chunkSize, progress);
  return { created, difference: null };
}
