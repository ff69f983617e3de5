/**
 * `JSON.stringify(value, null, 2)` of an object whose key `key` holds a long array, given as an async iterable, in
 * pieces that joined by `\n` are exactly that text: the array is never held, nor the text. For `cutter plan --out`
 * and `--json` at a million rows. The array's items must be JSON values whose own text has no line break but those
 * of its indentation (strings escape theirs).
 */
export async function* prettyJsonPieces(head: Readonly<Record<string, unknown>>, key: string, items: AsyncIterable<unknown>, tail: Readonly<Record<string, unknown>> = {}): AsyncGenerator<string> {
  const marker = '\u0000items\u0000';
  const text = JSON.stringify({ ...head, [key]: marker, ...tail }, null, 2);
  const slot = `${JSON.stringify(key)}: ${JSON.stringify(marker)}`;
  const at = text.indexOf(slot);
  const before = text.slice(0, at + slot.length - JSON.stringify(marker).length);
  const after = text.slice(at + slot.length);
  const iterator = items[Symbol.asyncIterator]();
  let next = await iterator.next();
  if (next.done === true) {
    yield `${before}[]${after}`;
    return;
  }
  yield `${before}[`;
  for (;;) {
    const item = `    ${JSON.stringify(next.value, null, 2).replace(/\n/g, '\n    ')}`;
    next = await iterator.next();
    if (next.done === true) {
      yield item;
      break;
    }
    yield `${item},`;
  }
  yield `  ]${after}`;
}

/** The pieces as file text, a newline after each (so a trailing one at the end), in chunks of about 64 KiB. */
export async function* asFileChunks(pieces: AsyncIterable<string>): AsyncGenerator<string> {
  let chunk = '';
  for await (const piece of pieces) {
    chunk += `${piece}\n`;
    if (chunk.length >= 64 * 1024) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}
