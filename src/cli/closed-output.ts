/**
 * What the CLI does when its reader goes away (`cutter approve … | head -1`, a closed terminal): it stops writing and
 * goes on. A command that moves a run must never be cut short by its output: dying mid-phase would leave the run
 * active and held, and the next command would be refused with E_RUN_BUSY until the hold expired. So a closed stdout or
 * stderr is not an error: the run is carried to where it parks or ends and released, and the process exits with the
 * code of that outcome.
 */

/** Error codes of a write whose reader is gone: a closed pipe or socket, or a stream already destroyed by one. */
const READER_GONE: ReadonlySet<string> = new Set(['EPIPE', 'ECONNRESET', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END']);

/** True when `error` says the stream's reader went away. */
export function isReaderGone(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && READER_GONE.has(code);
}

/**
 * Keeps the process alive when `stream`'s reader goes away: the stream's 'error' is taken as "stop writing" (Node has
 * destroyed it; {@link canWrite} says so from then on). Any other write error is still thrown, as before.
 */
export function outliveClosedOutput(stream: NodeJS.WritableStream): void {
  stream.on('error', (error: unknown) => {
    if (!isReaderGone(error)) throw error;
  });
}

/** True while `stream` can still take output: not destroyed or ended by a reader that went away. */
export function canWrite(stream: NodeJS.WritableStream): boolean {
  const state = stream as NodeJS.WritableStream & { destroyed?: boolean; writableEnded?: boolean };
  return state.destroyed !== true && state.writableEnded !== true && stream.writable;
}

/** Writes `text` to `stream` unless its reader is gone (then it is dropped: nobody is there to read it). */
export function writeIfOpen(stream: NodeJS.WritableStream, text: string): void {
  if (canWrite(stream)) stream.write(text);
}
