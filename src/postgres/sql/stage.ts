import { copyTextLine } from '../copy-text.js';
import type { DbSession } from '../port.js';

/** A temporary table the phase's rows are staged in; it lives only until the phase's transaction ends. */
export interface StageTable {
  readonly name: string;
  /** Column definitions, in COPY order. */
  readonly columns: readonly (readonly [name: string, type: string])[];
}

/**
 * Creates `stage` (ON COMMIT DROP, so a commit or a rollback removes it) and loads `items` into it in chunks of
 * `chunkSize`: by COPY where the session can, else by one INSERT … SELECT FROM unnest per chunk. `afterChunk` is
 * called with the number of rows staged so far, as each chunk is handed over. Only one chunk's text is built at a
 * time, so a 100k-row phase never holds one giant string.
 */
export async function stageRows<T>(
  session: DbSession,
  stage: StageTable,
  items: readonly T[],
  fieldsOf: (item: T, ord: number) => readonly (string | number)[],
  chunkSize: number,
  afterChunk: (staged: number) => void,
): Promise<void> {
  const names = stage.columns.map(([name]) => name);
  await session.query(`CREATE TEMP TABLE ${stage.name} (${stage.columns.map(([n, t]) => `${n} ${t}`).join(', ')}) ON COMMIT DROP`);
  if (session.copyRows !== undefined) {
    await session.copyRows(stage.name, names, copyChunks(items, fieldsOf, chunkSize, afterChunk));
    return;
  }
  const casts = stage.columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  for (let start = 0; start < items.length; start += chunkSize) {
    const end = Math.min(items.length, start + chunkSize);
    const columns: (string | number)[][] = names.map(() => []);
    for (let i = start; i < end; i++) fieldsOf(items[i] as T, i).forEach((value, c) => columns[c]?.push(value));
    await session.query(`INSERT INTO ${stage.name} (${names.join(', ')}) SELECT * FROM unnest(${casts})`, columns);
    afterChunk(end);
  }
}

/**
 * COPY text for `items`, one chunk of `chunkSize` rows at a time (built only when the stream asks for it); `afterChunk`
 * hears the running count as each chunk is handed over.
 */
export function* copyChunks<T>(
  items: readonly T[],
  fieldsOf: (item: T, ord: number) => readonly (string | number)[],
  chunkSize: number,
  afterChunk: (done: number) => void,
): Generator<string> {
  for (let start = 0; start < items.length; start += chunkSize) {
    const end = Math.min(items.length, start + chunkSize);
    let text = '';
    for (let i = start; i < end; i++) text += copyTextLine(fieldsOf(items[i] as T, i));
    yield text;
    afterChunk(end);
  }
}
