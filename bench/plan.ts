import { validateCutplan, type Cutplan } from '../src/domain/cutplan.js';
import { benchRows } from './rows.js';

/**
 * A plan of `n` rows with 1 KB bodies (ASCII, so 1,024 bytes), distinct per row, held in memory (about 1.2 KB a row):
 * the rows of rows.ts, so the held and the streamed paths measure the same content. With `changedEvery`, every such
 * row's body differs from benchPlan(n)'s: a later edit of the same documents.
 */
export function benchPlan(n: number, changedEvery = 0): Cutplan {
  return validateCutplan(Array.from(benchRows(n, changedEvery)));
}
