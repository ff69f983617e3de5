/**
 * The bench's rows, generated one at a time and never held: N IUs with 1 KB ASCII bodies, distinct per row, and an
 * "edited" variant in which every `changedEvery`-th body differs (a later edit of the same documents). benchPlan
 * (plan.ts) is these rows in an array, so every path measures the same content.
 */
import type { StreamedSourceRow, StreamedSources } from '../src/postgres/sql/streamed-plan.js';

export interface BenchRow { readonly address: string; readonly title: string; readonly body: string }

const FILLER = 'lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(20);

/** Row `i` (0-based) of N; `changedEvery` > 0 edits the body of every such row. */
export function benchRow(i: number, changedEvery = 0): BenchRow {
  const head = changedEvery > 0 && i % changedEvery === 0 ? `Row ${i + 1}, edited. ` : `Row ${i + 1}. `;
  return { address: `bench/doc-${Math.floor(i / 1000)}/iu-${i + 1}`, title: `IU ${i + 1}`, body: (head + FILLER).slice(0, 1024) };
}

/** Rows 0..n-1, one at a time. */
export function* benchRows(n: number, changedEvery = 0): Generator<BenchRow> {
  for (let i = 0; i < n; i++) yield benchRow(i, changedEvery);
}

/** Only the rows an edit with `changedEvery` changes (every such row, from row 0): N / changedEvery of them. */
export function* changedBenchRows(n: number, changedEvery: number): Generator<BenchRow> {
  for (let i = 0; i < n; i += changedEvery) yield benchRow(i, changedEvery);
}

/** The rows as planning's streamed sources read them (unvalidated), each with its origin for messages; each call reads them again. */
export function benchSources(n: number, changedEvery = 0): StreamedSources {
  function* rows(): Generator<StreamedSourceRow> {
    for (let i = 0; i < n; i++) yield { raw: benchRow(i, changedEvery), origin: `bench row ${i + 1}` };
  }
  // A sync generator read by for await: every row costs a microtask, as a source file's rows do.
  return () => ({ [Symbol.asyncIterator]: () => { const it = rows(); return { next: () => Promise.resolve(it.next()) }; } });
}

/**
 * A well-formed content hash (64 hex digits) that costs nothing to make: the floors COPY it in place of the row's
 * sha256, so a floor's time is the server's work and the wire, not client hashing (Cutter's rows carry real hashes).
 */
export const standInHash = (i: number): string => i.toString(16).padStart(64, '0');
