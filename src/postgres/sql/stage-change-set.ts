import { PlanHasher } from '../../domain/change-set.js';
import { contentHashOf, IURowSchema, type RowAction } from '../../domain/iu.js';
import { PinnedDigests } from '../../domain/pinned-plan-facts.js';
import { PlanInvalid } from '../../errors/index.js';
import type { DbSession } from '../port.js';
import { cursorRows } from './cursor.js';
import { loadFieldRows, type StageTable } from './stage.js';
import { STAGE, type StreamedSourceRow, type StreamedSources } from './stage-sources.js';

/** One row of the change set as it is written to its sink. */
export interface ChangeSetRow {
  readonly address: string;
  readonly title: string;
  readonly body: string;
  readonly source: string | null;
  readonly contentHash: string;
  readonly action: RowAction;
}

/**
 * Where planning writes the change set's rows (the sources' changes, numbered densely in the sources' order, then the
 * retirements): a temporary table `cutter plan` reads back, or the run's pin. `where` selects its rows (`$1`: the
 * first of `params`).
 */
export interface ChangeSetSink {
  readonly table: StageTable;
  readonly fields: (row: ChangeSetRow, ord: number) => readonly (string | number | null)[];
  readonly where: string;
  readonly params: readonly unknown[];
}

/** Each staged row's classification, by exception: a row without one is new, at version 1. */
export const CLASSES = 'cutter_plan_classes';
/** Change-set rows asked for per FETCH and sent per COPY: one batch's bodies (~5 MB at 1 KB) held at a time. */
const BATCH = 5000;
let cursors = 0;

/**
 * Pass 2 of streamed planning: the sources read again, and only the rows of the change set (new or changed) sent, with
 * their bodies, into `sink`; the rest are skipped unparsed beyond what their reader does. Which rows those are comes
 * from the stage through a cursor, a batch at a time; each batch is COPYed while the next is read (the connection is
 * free for the FETCH before each COPY starts). A row must come back as pass 1 staged it (its address and content
 * hash), or the sources changed while being planned and the plan is refused. Returns how many rows were sent.
 *
 * @throws {PlanInvalid} naming the first row that changed, or the sources ending early.
 */
export async function sendChangeSet(session: DbSession, sources: StreamedSources, sink: ChangeSetSink, anyNew = true): Promise<number> {
  cursors += 1;
  const cursor = `cutter_change_set_${cursors}`;
  // A new row has no class (CLASSES holds every row the target has a version of): finding them takes every staged row
  // joined to its class. With none new, the changed rows are read from CLASSES alone and joined to their stage rows,
  // a small hash join instead of one over every row (`npm run bench:classify`, 1M rows, 1% changed: the first FETCH
  // took 0.7 s, now 0.3 s).
  await session.query(anyNew
    ? `DECLARE ${cursor} NO SCROLL CURSOR FOR SELECT s.ord, s.address, s.content_hash, coalesce(c.action, 'new') AS action
      FROM ${STAGE.name} s LEFT JOIN ${CLASSES} c ON c.ord = s.ord
      WHERE s.valid AND coalesce(c.action, 'new') IN ('new', 'changed') ORDER BY s.ord`
    : `DECLARE ${cursor} NO SCROLL CURSOR FOR SELECT s.ord, s.address, s.content_hash, c.action
      FROM (SELECT ord, action FROM ${CLASSES} WHERE action = 'changed') c JOIN ${STAGE.name} s ON s.ord = c.ord
      WHERE s.valid ORDER BY s.ord`);
  const fetch = async (): Promise<Wanted[]> => (await session.query<Wanted>(`FETCH ${BATCH} FROM ${cursor}`)).rows;
  const reader = new SourceReader(sources());
  let sent = 0;
  const build = async (wanted: readonly Wanted[]): Promise<(readonly (string | number | null)[])[]> => {
    const batch: (readonly (string | number | null)[])[] = [];
    for (const w of wanted) batch.push(sink.fields(await reader.take(w), sent++));
    return batch;
  };
  try {
    let wanted = await fetch();
    let batch = await build(wanted);
    while (batch.length > 0) {
      const next = wanted.length < BATCH ? [] : await fetch();
      const copying = loadFieldRows(session, sink.table, batch, BATCH, () => undefined);
      // The next batch is read and checked while the server takes this one; a refusal waits for the COPY to end.
      const built = await build(next).catch(async (error: unknown) => { await copying.catch(() => undefined); throw error; });
      await copying;
      [wanted, batch] = [next, built];
    }
  } finally {
    await reader.close();
  }
  await session.query(`CLOSE ${cursor}`);
  return sent;
}

interface Wanted { readonly ord: number; readonly address: string; readonly content_hash: string; readonly action: RowAction }

const sourceSchema = IURowSchema.shape.source;

/** The sources read a second time, forward only, giving the rows asked for by their index and checking each. */
class SourceReader {
  readonly #rows: AsyncIterator<StreamedSourceRow>;
  #index = -1;

  constructor(rows: AsyncIterable<StreamedSourceRow>) {
    this.#rows = rows[Symbol.asyncIterator]();
  }

  /** The row at `wanted.ord` (later than the last taken), as pass 1 staged it. */
  async take(wanted: Wanted): Promise<ChangeSetRow> {
    let next: IteratorResult<StreamedSourceRow>;
    do {
      next = await this.#rows.next();
      this.#index += 1;
      if (next.done === true) throw changedSince(wanted.ord, `the sources ended before row ${wanted.ord} (${wanted.address})`);
    } while (this.#index < wanted.ord);
    const { raw, origin } = next.value;
    // Pass 1 validated a row with this address and content hash, so this title and body (they hash to it); only the
    // source, outside the hash, is checked again.
    const { address, title, body, source } = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const same = address === wanted.address && typeof title === 'string' && typeof body === 'string' && title.isWellFormed() && body.isWellFormed()
      && contentHashOf(title, body) === wanted.content_hash;
    if (!same) throw changedSince(wanted.ord, `${origin}: is not the row read a moment ago (${wanted.address})`);
    const checked = sourceSchema.safeParse(source);
    if (!checked.success) throw changedSince(wanted.ord, `${origin}: its source is no longer valid`);
    return { address: wanted.address, title, body, source: checked.data ?? null, contentHash: wanted.content_hash, action: wanted.action };
  }

  async close(): Promise<void> {
    await this.#rows.return?.();
  }
}

function changedSince(row: number, message: string): PlanInvalid {
  return new PlanInvalid([{ row, field: 'rows', message: `${message}: the sources changed while they were being planned; plan again` }]);
}

/**
 * Appends the staged retirements to `sink` after the `written` rows the sources gave, in the stage's order, with the
 * enacted title and body they retire, copied server-side from the target.
 */
export async function sendRetirements(session: DbSession, sink: ChangeSetSink, written: number): Promise<number> {
  const columns = sink.table.columns.map(([name]) => name);
  const values: Record<string, string> = {
    ord: `(${written} + row_number() OVER (ORDER BY s.ord) - 1)::integer`, address: 's.address', title: 'v.title', body: 'v.body', source: 'NULL',
    content_hash: 'v.content_hash', action: "'retire'", blank: 'false', run_id: '$1',
  };
  const { rowCount } = await session.query(`INSERT INTO ${sink.table.name} (${columns.join(', ')})
    SELECT ${columns.map((c) => values[c] ?? 'NULL').join(', ')} FROM ${STAGE.name} s JOIN ${CLASSES} c ON c.ord = s.ord AND c.action = 'retire'
    JOIN cutter.iu_versions v ON v.address = s.address AND v.status = 'enacted'`, sink.params);
  return rowCount;
}

/**
 * The plan hash of the change set in `sink`, its rows read back in address order (the order planHashOf hashes in),
 * and in the same pass the digests a pin of it has: the same bytes, so the same hash, as planHashOf over the plan
 * classifyPlan returns for the same rows.
 */
export async function hashChangeSet(session: DbSession, sink: ChangeSetSink): Promise<{ planHash: string; digests: ReturnType<PinnedDigests['digest']> }> {
  const hash = new PlanHasher();
  const digests = new PinnedDigests();
  for await (const row of cursorRows<{ action: RowAction; address: string; body: string; title: string; content_hash: string }>(
    session, `SELECT action, address, body, title, content_hash FROM ${sink.table.name} WHERE ${sink.where} ORDER BY address COLLATE "C"`, sink.params,
  )) {
    hash.add(row);
    digests.add({ address: row.address, contentHash: row.content_hash, action: row.action });
  }
  return { planHash: hash.digest(), digests: digests.digest() };
}
