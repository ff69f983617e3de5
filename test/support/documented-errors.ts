import { readFileSync } from 'node:fs';

/** docs/errors.md's table: code → the exit column's text. */
export const DOCUMENTED: ReadonlyMap<string, string> = new Map(
  [...readFileSync('docs/errors.md', 'utf8').matchAll(/^\| `(E_[A-Z_]+)` \|.*\| ([^|]+) \|$/gm)].map((m) => [m[1] ?? '', (m[2] ?? '').trim()]),
);
/** The exit a row documents: its first number (rows whose exit depends on the command say both). */
export const documentedExit = (code: string): number => Number(/\d+/.exec(DOCUMENTED.get(code) ?? '')?.[0] ?? NaN);

/** The text of the `hint:` line a command printed on stderr, or '' if it printed none. */
export function hintLine(err: readonly string[]): string {
  return err.find((l) => l.startsWith('hint: '))?.slice('hint: '.length) ?? '';
}
