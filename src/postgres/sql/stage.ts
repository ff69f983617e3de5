import { copyTextLine } from '../copy-text.js';
import type { DbSession } from '../port.js';

/** A table rows are loaded into: a phase's temporary staging table (it lives until the transaction ends), or another. */
export interface StageTable {
  readonly name: string;
  /** Column definitions, in COPY order. */
  readonly columns: readonly (readonly [name: string, type: string])[];
}

/**
 * Creates `stage` (ON COMMIT DROP, so a commit or a rollback removes it) and loads `items` into it: see
 * {@link loadRows}.
 */
export async function stageRows<T>(
  session: DbSession,
  stage: StageTable,
  items: readonly T[],
  fieldsOf: (item: T, ord: number) => readonly (string | number | null)[],
  chunkSize: number,
  afterChunk: (staged: number) => void,
): Promise<void> {
  await session.query(`CREATE TEMP TABLE ${stage.name} (${stage.columns.map(([n, t]) => `${n} ${t}`).join(', ')}) ON COMMIT DROP`);
  await loadRows(session, stage, items, fieldsOf, chunkSize, afterChunk);
  // The planner knows nothing of a fresh temporary table; a sample makes the next statements join it sensibly.
  await session.query(`ANALYZE ${stage.name}`);
}

/**
 * Loads `items` into `table` in chunks of `chunkSize`: by COPY where the session can, else by one INSERT … SELECT
 * FROM unnest per chunk. `afterChunk` is called with the number of rows loaded so far, as each chunk is handed over.
 * Only one chunk's text is built at a time, so 100k rows never become one giant string.
 */
export function loadRows<T>(
  session: DbSession,
  table: StageTable,
  items: readonly T[],
  fieldsOf: (item: T, ord: number) => readonly (string | number | null)[],
  chunkSize: number,
  afterChunk: (loaded: number) => void,
): Promise<void> {
  return loadFieldRows(session, table, fieldRowsOf(items, fieldsOf), chunkSize, afterChunk);
}

function* fieldRowsOf<T>(items: readonly T[], fieldsOf: (item: T, ord: number) => readonly (string | number | null)[]): Generator<readonly (string | number | null)[]> {
  for (let i = 0; i < items.length; i++) yield fieldsOf(items[i] as T, i);
}

/**
 * {@link loadRows} for rows already given as fields, pulled one at a time from `rows` (a generator may compute them
 * as they are asked for, as the plan pin does while hashing).
 */
export async function loadFieldRows(
  session: DbSession,
  table: StageTable,
  rows: Iterable<readonly (string | number | null)[]>,
  chunkSize: number,
  afterChunk: (loaded: number) => void,
): Promise<void> {
  const names = table.columns.map(([name]) => name);
  if (session.copyRows !== undefined) {
    await session.copyRows(table.name, names, copyChunks(rows, chunkSize, afterChunk));
    return;
  }
  const casts = table.columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  let loaded = 0;
  for (const chunk of chunksOf(rows, chunkSize)) {
    const columns: (string | number | null)[][] = names.map(() => []);
    for (const fields of chunk) fields.forEach((value, c) => columns[c]?.push(value));
    await session.query(`INSERT INTO ${table.name} (${names.join(', ')}) SELECT * FROM unnest(${casts})`, columns);
    loaded += chunk.length;
    afterChunk(loaded);
  }
}

/** `rows` in arrays of at most `size`, pulled as asked for. */
function* chunksOf<T>(rows: Iterable<T>, size: number): Generator<T[]> {
  let chunk: T[] = [];
  for (const row of rows) {
    chunk.push(row);
    if (chunk.length >= size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

/**
 * COPY text for `rows`, one chunk of `chunkSize` rows at a time (built only when the stream asks for it); `afterChunk`
 * hears the running count as each chunk is handed over.
 */
export function* copyChunks(rows: Iterable<readonly (string | number | null)[]>, chunkSize: number, afterChunk: (done: number) => void): Generator<string> {
  let done = 0;
  for (const chunk of chunksOf(rows, chunkSize)) {
    let text = '';
    for (const fields of chunk) text += copyTextLine(fields);
    yield text;
    done += chunk.length;
    afterChunk(done);
  }
}

/**
 * {@link loadFieldRows} for rows that arrive as they are read (a source streamed from disk): COPY text a chunk at a
 * time as the rows come, so neither the rows nor the COPY text are ever held whole.
 */
export async function loadStreamedRows(session: DbSession, table: StageTable, rows: AsyncIterable<readonly (string | number | boolean | null)[]>, chunkSize: number): Promise<void> {
  const names = table.columns.map(([name]) => name);
  if (session.copyRows !== undefined) {
    await session.copyRows(table.name, names, streamedCopyChunks(rows, chunkSize));
    return;
  }
  const casts = table.columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  let columns: (string | number | boolean | null)[][] = names.map(() => []);
  const flush = async (): Promise<void> => {
    if ((columns[0]?.length ?? 0) === 0) return;
    await session.query(`INSERT INTO ${table.name} (${names.join(', ')}) SELECT * FROM unnest(${casts})`, columns);
    columns = names.map(() => []);
  };
  for await (const fields of rows) {
    fields.forEach((value, c) => columns[c]?.push(value));
    if ((columns[0]?.length ?? 0) >= chunkSize) await flush();
  }
  await flush();
}

async function* streamedCopyChunks(rows: AsyncIterable<readonly (string | number | boolean | null)[]>, chunkSize: number): AsyncGenerator<string> {
  let text = '';
  let count = 0;
  for await (const fields of rows) {
    text += copyTextLine(fields.map((v) => (typeof v === 'boolean' ? (v ? 't' : 'f') : v)));
    count += 1;
    if (count >= chunkSize) {
      yield text;
      text = '';
      count = 0;
    }
  }
  if (count > 0) yield text;
}
