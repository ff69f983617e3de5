import { tooManyRows, validateRow } from '../../domain/cutplan.js';
import { PlanLimits } from '../../domain/limits.js';
import { PlanInvalid, type PlanIssue } from '../../errors/index.js';
import { sqlStateOf } from '../errors.js';
import type { DbSession } from '../port.js';
import { loadStreamedRows, type StageTable } from './stage.js';

/** One source row as read (unvalidated), and where it came from, for people. */
export interface StreamedSourceRow {
  readonly raw: unknown;
  readonly origin: string;
}

/**
 * The sources of a streamed plan, re-openable: each call reads them again from the start, in the same order. Planning
 * reads them twice (see stagePlan): once for every row's key, once for the bodies of the rows that change.
 */
export type StreamedSources = () => AsyncIterable<StreamedSourceRow>;

/**
 * The sources' keys, staged under the name classification reads (CLASSIFY_SQL, MISSING_SQL): each row's position,
 * address and content hash, and its origin for messages; never its title or body. An invalid row is kept by its
 * address only (`valid` false), so an address given twice is found even where a copy has other problems.
 */
export const STAGE: StageTable = {
  name: 'cutter_classify_stage',
  columns: [['ord', 'integer'], ['address', 'text'], ['content_hash', 'text'], ['origin', 'text'], ['valid', 'boolean']],
};
const CHUNK_ROWS = 5000;

/**
 * Pass 1 of streamed planning, in `session`'s open transaction: every row validated and content-hashed as it is read,
 * its key COPYed into {@link STAGE}, chunk by chunk; then duplicates and the action rule checked server-side. Returns
 * how many rows the sources hold.
 *
 * @throws {PlanInvalid} what loadPlanSources and validateCutplan refuse, with the same issues (each row's message
 *   prefixed with its origin); a bad source file's own refusal as its reader throws it.
 */
export async function stageSourceKeys(session: DbSession, sources: StreamedSources): Promise<number> {
  await session.query(`CREATE TEMP TABLE ${STAGE.name} (${STAGE.columns.map(([n, t]) => `${n} ${t}`).join(', ')}) ON COMMIT DROP`);
  const issues: PlanIssue[] = [];
  const actions = { withAction: 0, valid: 0, firstWithout: undefined as number | undefined };
  let rows = 0;
  async function* fields(): AsyncGenerator<readonly (string | number | boolean | null)[]> {
    for await (const { raw, origin } of sources()) {
      if (rows >= PlanLimits.maxRows) throw tooManyRows();
      const index = rows;
      rows += 1;
      const checked = validateRow(raw, index);
      for (const issue of checked.issues) issues.push({ ...issue, message: `${origin}: ${issue.message}` });
      const row = checked.row;
      if (row === undefined) {
        const address = typeof raw === 'object' && raw !== null ? (raw as { address?: unknown }).address : undefined;
        if (typeof address === 'string' && !address.includes('\u0000')) yield [index, address, null, origin, false];
        continue;
      }
      if (row.action !== undefined) actions.withAction += 1;
      else actions.firstWithout ??= actions.valid;
      actions.valid += 1;
      yield [index, row.address, row.contentHash, origin, true];
    }
  }
  await loadStreamedRows(session, STAGE, fields(), CHUNK_ROWS);
  const unique = await indexAddresses(session);
  // The planner knows nothing of a fresh temporary table: the classification's join and aggregate are sized by this.
  await session.query(`ANALYZE ${STAGE.name} (ord, address)`);
  await refuseInvalid(session, issues, actions, unique);
  return rows;
}

/**
 * Indexes the staged addresses (retirements and the scopes read them in address order), unique if they are: then no
 * address is given twice and the search for duplicates is skipped. Returns whether they are.
 */
async function indexAddresses(session: DbSession): Promise<boolean> {
  await session.query('SAVEPOINT cutter_stage_unique');
  try {
    await session.query(`CREATE UNIQUE INDEX ON ${STAGE.name} (address COLLATE "C")`);
    await session.query('RELEASE SAVEPOINT cutter_stage_unique');
    return true;
  } catch (error) {
    if (sqlStateOf(error) !== '23505') throw error;
    await session.query('ROLLBACK TO SAVEPOINT cutter_stage_unique');
    await session.query(`CREATE INDEX ON ${STAGE.name} (address COLLATE "C")`);
    return false;
  }
}

/** Refuses the plan if a row had issues, an address is given twice, or only some rows carry an action. */
async function refuseInvalid(session: DbSession, issues: PlanIssue[], actions: { withAction: number; valid: number; firstWithout: number | undefined }, unique: boolean): Promise<void> {
  const duplicates = unique ? [] : (await session.query<{ ord: number; address: string; origin: string; first: number }>(`
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
