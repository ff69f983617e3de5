/** A key written twice in one JSON object: `JSON.parse` keeps the last value and drops the first without a word. */
export interface DuplicateKey {
  readonly key: string;
  /** Where the object is, as `rows[3]` or `[3].meta` (`''` for the top-level object). */
  readonly path: string;
  /** 1-based line of the second occurrence. */
  readonly line: number;
}

type Frame =
  | { readonly kind: 'object'; readonly path: string; readonly keys: Set<string>; awaitingKey: boolean; current: string }
  | { readonly kind: 'array'; readonly path: string; index: number };

/**
 * Finds the first key that appears twice in one object of `text`, which must be JSON that `JSON.parse` accepted. A
 * duplicate `"rows"` key would otherwise silently drop the first array of rows. Keys are compared as parsed, so
 * `"rows"` and `"r\u006fws"` are the same key. One linear pass, no dependency: a strict parser in node_modules would
 * be a second JSON parser to keep in step with the first.
 */
export function findDuplicateKey(text: string): DuplicateKey | null {
  const stack: Frame[] = [];
  let line = 1;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = endOfString(text, i);
      const top = stack.at(-1);
      if (top?.kind === 'object' && top.awaitingKey) {
        const key = JSON.parse(text.slice(i, end)) as string;
        if (top.keys.has(key)) return { key, path: top.path, line };
        top.keys.add(key);
        top.awaitingKey = false;
        top.current = key;
      }
      i = end - 1;
    } else if (c === OPEN_BRACE) {
      stack.push({ kind: 'object', path: childPath(stack.at(-1)), keys: new Set(), awaitingKey: true, current: '' });
    } else if (c === OPEN_BRACKET) {
      stack.push({ kind: 'array', path: childPath(stack.at(-1)), index: 0 });
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      stack.pop();
    } else if (c === COMMA) {
      const top = stack.at(-1);
      if (top?.kind === 'object') top.awaitingKey = true;
      else if (top?.kind === 'array') top.index += 1;
    } else if (c === NEWLINE) {
      // Valid JSON has no raw line break inside a string, so counting here counts the file's lines.
      line += 1;
    }
  }
  return null;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const NEWLINE = 0x0a;

/** The index just past the string that opens at `start`. */
function endOfString(text: string, start: number): number {
  let j = start + 1;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === QUOTE) return j + 1;
    j += c === BACKSLASH ? 2 : 1;
  }
  return text.length;
}

function childPath(parent: Frame | undefined): string {
  if (parent === undefined) return '';
  if (parent.kind === 'array') return `${parent.path}[${parent.index}]`;
  return parent.path === '' ? parent.current : `${parent.path}.${parent.current}`;
}
