import { validateCutplan, type Cutplan } from '../src/domain/cutplan.js';

/** A plan of `n` rows with 1 KB bodies (ASCII, so 1,024 bytes), distinct per row. */
export function benchPlan(n: number, changedEvery = 0): Cutplan {
  const filler = 'lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(20);
  return validateCutplan(
    Array.from({ length: n }, (_, i) => {
      // With `changedEvery`, every such row's body differs from benchPlan(n)'s: a later edit of the same documents.
      const head = changedEvery > 0 && i % changedEvery === 0 ? `Row ${i + 1}, edited. ` : `Row ${i + 1}. `;
      return { address: `bench/doc-${Math.floor(i / 1000)}/iu-${i + 1}`, title: `IU ${i + 1}`, body: (head + filler).slice(0, 1024) };
    }),
  );
}
