/**
 * A long-lived process that runs `cutter` commands for the race suite, one at a time, as the CLI would: each line on
 * stdin is `{ id, argv, delayMs }`; after `delayMs` the command runs through the CLI's own `main` in this process, and
 * one line `{ id, code, out, err }` is written to stdout. Two of these race each other: real processes on one target,
 * without paying a Node start-up per command.
 */
import { createInterface } from 'node:readline';
import { main } from '../../src/cli/main.js';
import { captureTerminal } from './capture-terminal.js';

for await (const line of createInterface({ input: process.stdin })) {
  const { id, argv, delayMs } = JSON.parse(line) as { id: number; argv: string[]; delayMs: number };
  if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  const terminal = captureTerminal();
  let code: number;
  try {
    code = await main(argv, terminal);
  } catch (error) {
    code = 1;
    terminal.err.push(`uncaught: ${String(error)}`);
  }
  process.stdout.write(`${JSON.stringify({ id, code, out: terminal.out.join('\n'), err: terminal.err.join('\n') })}\n`);
}
