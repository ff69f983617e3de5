/**
 * `1 row`, `2 rows`, `1,000 IU drafts`: a count with its noun in the right number, for every line a person reads.
 * `many` defaults to `one` + `s`; pass it for nouns that change otherwise (`1 entry`, `2 entries`).
 *
 * @example
 * counted(1, 'IU draft')            // '1 IU draft'
 * counted(3, 'entry', 'entries')    // '3 entries'
 */
export function counted(n: number, one: string, many = `${one}s`): string {
  return `${new Intl.NumberFormat('en-US').format(n)} ${n === 1 ? one : many}`;
}
