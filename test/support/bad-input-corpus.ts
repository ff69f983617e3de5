/**
 * The bad-input corpus's runner: drives the CLI in-process (as test/unit/cli/cli.test.ts does), and for each case
 * checks the exit code, the error code and hint, that the message names the file, row or field, that nothing was
 * written (a fingerprint of the scratch folder and of the target, taken before and after), and the time limit.
 */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { main } from '../../src/cli/main.js';
import { captureTerminal } from './capture-terminal.js';

/** One bad (or borderline but valid) input, and what the CLI must answer. */
export interface CorpusCase {
  readonly name: string;
  readonly args: readonly string[];
  readonly exit: ExitCode;
  /** The error code printed (with a hint), or null for an input that must be accepted. */
  readonly code: string | null;
  /** What the output must name: the file, the row, the field, what is wrong. */
  readonly names: readonly (string | RegExp)[];
  /** Milliseconds the command may take (Default: 5000; a refusal up front takes a few). */
  readonly limitMs?: number;
}

/** What was written: compared before and after each case. */
export type Fingerprint = () => Promise<unknown>;

const TIMED_OUT = 'timed out';

/** Runs one case through `main` and checks everything it promises. */
export async function expectCase(c: CorpusCase, fingerprint: Fingerprint): Promise<void> {
  const limit = c.limitMs ?? 5000;
  const terminal = captureTerminal();
  const before = await fingerprint();
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const exit = await Promise.race([
    main([...c.args], terminal),
    new Promise<typeof TIMED_OUT>((resolve) => { timer = setTimeout(() => { resolve(TIMED_OUT); }, limit); }),
  ]).finally(() => { clearTimeout(timer); });
  const elapsed = performance.now() - started;
  const text = [...terminal.err, ...terminal.out].join('\n');
  expect(exit, `${c.name}: ${text}`).toBe(c.exit);
  expect(text).not.toContain('E_UNEXPECTED');
  expect(text).not.toContain('[object Object]');
  if (c.code !== null) {
    expect(text).toContain(`error ${c.code}:`);
    expect(text).toContain('hint:');
  }
  for (const name of c.names) {
    if (typeof name === 'string') expect(text).toContain(name);
    else expect(text).toMatch(name);
  }
  expect(await fingerprint(), `${c.name} wrote something`).toEqual(before);
  expect(elapsed).toBeLessThan(limit);
}

/** Every path under `dir` with its type and size (symlinks and FIFOs are not followed or opened). */
export async function listing(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const path = join(dir, name);
    const stats = await lstat(path);
    out.push(`${path} ${stats.isDirectory() ? 'dir' : stats.isFile() ? stats.size : 'other'}`);
    if (stats.isDirectory() && (stats.mode & 0o500) === 0o500) out.push(...(await listing(path)));
  }
  return out;
}
