import { tooManyRows, validateRow } from '../../domain/cutplan.js';
import { PlanLimits } from '../../domain/limits.js';
import { sqlStateOf } from '../errors.js';
import type { DbSession } from '../port.js';
import type { ChangeSetSink } from './stage-change-set.js';
import { loadStreamedRows } from './stage.js';
import { STAGE, type StreamedSources } from './stage-sources.js';

/** Thrown by the first load's rows to abandon it: a row that the two-pass path must report on. */
class NotPlainFirstLoad extends Error {}

const CHUNK_ROWS = 1000;

/** Whether the target holds no version at all (or has no Cutter schema): then every valid source row is new. */
export async function holdsNoVersions(session: DbSession, schemaVersion: number): Promise<boolean> {
  if (schemaVersion === 0) return true;
  return (await session.query<{ empty: boolean }>('SELECT NOT EXISTS (SELECT 1 FROM cutter.iu_versions) AS empty')).rows[0]?.empty === true;
}

/**
 * Planning of a first load (a target that holds no version, checked by the caller), in one pass: every row is new, so
 * the change set is all the rows, and each is validated, hashed and COPYed with its body straight into `sink` (the
 * pin, or `cutter plan`'s table) as it is read, numbered in the sources' order; the key stage is then derived from the
 * sink server-side, its unique index proving no address is given twice. Nothing is read twice. Any row the two-pass
 * path would have to report on (invalid, carrying an action, an address twice) abandons this back to a savepoint, and
 * null is returned: the caller plans the sources the two-pass way, which refuses them with its issues. A row past the
 * limit is refused at once, as the two-pass path refuses it.
 * Returns how many rows were staged.
 */
export async function stageFirstLoad(session: DbSession, sources: StreamedSources, sink: ChangeSetSink): Promise<number | null> {
  await session.query('SAVEPOINT cutter_first_load');
  let rows = 0;
  async function* fields(): AsyncGenerator<readonly (string | number | null)[]> {
    for await (const { raw } of sources()) {
      // Refused here, not abandoned: the two-pass path refuses at this same row whatever came before it, so reading
      // a million rows again (14 minutes for a Markdown file of a million headings) would end the same way.
      if (rows >= PlanLimits.maxRows) throw tooManyRows();
      const { row, issues } = validateRow(raw, rows);
      if (row === undefined || issues.length > 0 || row.action !== undefined) throw new NotPlainFirstLoad();
      yield sink.fields({ address: row.address, title: row.title, body: row.body, source: row.source ?? null, contentHash: row.contentHash, action: 'new' }, rows);
      rows += 1;
    }
  }
  try {
    await loadStreamedRows(session, sink.table, fields(), CHUNK_ROWS);
    await session.query(`CREATE TEMP TABLE ${STAGE.name} ON COMMIT DROP AS
      SELECT ord, address, content_hash, NULL::text AS origin, true AS valid FROM ${sink.table.name} WHERE ${sink.where}`, sink.params);
    await session.query(`CREATE UNIQUE INDEX ON ${STAGE.name} (address COLLATE "C")`);
    await session.query('RELEASE SAVEPOINT cutter_first_load');
    return rows;
  } catch (error) {
    if (!(error instanceof NotPlainFirstLoad) && sqlStateOf(error) !== '23505') throw error;
    await session.query('ROLLBACK TO SAVEPOINT cutter_first_load');
    return null;
  }
}
