import { setFlagsFromString } from 'node:v8';

/** V8's flag for how far the heap may grow past what the last full collection kept (V8's default: adaptive, up to 4×). */
const GROWING_FLAG = '--heap-growing-percent';

/**
 * Keeps the CLI's memory near what it holds: V8 lets the old generation grow to several times its live data before a
 * full collection, and a streamed plan promotes much short-lived data (rows waiting in a COPY chunk, a Markdown part's
 * parse tree). The live heap of `cutter plan` of 100k sections stays at 20–33 MB between collections, yet the heap grew
 * to 140 MB and the process peaked at 233–249 MB. Growing by at most 50% past the live data kept it at 156–159 MB
 * (NDJSON: 200 to 138 MB), for 4–7% more wall time (docs/performance.md). Only the CLI's own process is set so: an
 * application embedding Cutter keeps its own collector settings. A flag given to node itself wins.
 */
export function preferFlatMemory(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions = process.env.NODE_OPTIONS ?? '',
  setFlags: (flags: string) => void = setFlagsFromString,
): void {
  // V8 reads its flags with `_` and `-` alike.
  if ([...execArgv, nodeOptions].some((arg) => arg.replaceAll('_', '-').includes(GROWING_FLAG))) return;
  setFlags(`${GROWING_FLAG}=50`);
}
