import type { FileHandle } from 'node:fs/promises';
import { InvalidInput } from '../errors/index.js';
import { openRegularFile, reasonOf, tooLarge, type InputFileRule } from './read-input-file.js';

/** Bytes read at a time: a few reads per MiB, and only about one such buffer (plus a partial line) held at once. */
const READ_CHUNK_BYTES = 256 * 1024;

/** {@link InputFileRule} for a file read line by line: a line is the most held in memory, so it has a limit of its own. */
export interface LineFileRule extends InputFileRule {
  /** The longest line accepted, in UTF-16 code units of its text; a longer line is refused naming its number. */
  readonly maxLineChars: number;
  /** Where the line limit is documented, quoted in the refusal. */
  readonly lineLimitName: string;
}

/**
 * Reads a file a person named line by line, with {@link readInputFile}'s refusals (missing, not a regular file, larger
 * than `maxBytes`, named with the file) and strict UTF-8 decoding, but holding only the line being read: a 1 GB source
 * never becomes one string. Each line is yielded with its `\n` (the last one may have none), so joining the lines
 * gives back the file's text exactly (`\r` stays where it is); a leading byte-order mark is dropped, as the whole-file
 * decoder drops it.
 */
export async function* readInputLines(path: string, rule: LineFileRule): AsyncGenerator<string> {
  const handle = await openRegularFile(path, rule);
  try {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const buffer = Buffer.alloc(READ_CHUNK_BYTES);
    let total = 0;
    let partial = '';
    let line = 1;
    for (;;) {
      const { bytesRead } = await read(handle, buffer, path, rule);
      total += bytesRead;
      if (total > rule.maxBytes) throw tooLarge(path, rule);
      const text = partial + decode(decoder, buffer.subarray(0, bytesRead), bytesRead === 0, path, rule);
      let start = 0;
      for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
        if (end - start > rule.maxLineChars) throw longLine(path, line, rule);
        yield text.slice(start, end + 1);
        start = end + 1;
        line += 1;
      }
      partial = text.slice(start);
      if (partial.length > rule.maxLineChars) throw longLine(path, line, rule);
      if (bytesRead === 0) break;
    }
    if (partial !== '') yield partial;
  } finally {
    await handle.close();
  }
}

async function read(handle: FileHandle, buffer: Buffer, path: string, rule: InputFileRule): Promise<{ bytesRead: number }> {
  try {
    return await handle.read(buffer, 0, buffer.length, null);
  } catch (error) {
    throw new InvalidInput(rule.field, `${path}: ${reasonOf(error)}`);
  }
}

/** Decodes the next bytes; `stream` keeps a character split across two reads for the next call. */
function decode(decoder: InstanceType<typeof TextDecoder>, bytes: Uint8Array, last: boolean, path: string, rule: InputFileRule): string {
  try {
    return decoder.decode(bytes, { stream: !last });
  } catch {
    throw new InvalidInput(rule.field, `${path}: not valid UTF-8 (save it as UTF-8)`);
  }
}

function longLine(path: string, line: number, rule: LineFileRule): InvalidInput {
  return new InvalidInput(rule.field, `${path}:${line}: a line longer than ${rule.maxLineChars} characters (${rule.lineLimitName}), longer than any row can be`);
}
