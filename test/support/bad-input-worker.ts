/**
 * Runs CLI command lines in this process, one after another, and prints one JSON line per command: its exit code, its
 * output and how long it took. The bad-input corpus spawns it for the inputs that used to hang or fill memory, so a
 * regression is killed by the parent's hard timeout instead of stalling the test worker.
 */
import { main } from '../../src/cli/main.js';
import { captureTerminal } from './capture-terminal.js';

const commands = JSON.parse(process.argv[2] ?? '[]') as string[][];
for (const args of commands) {
  const terminal = captureTerminal();
  const started = performance.now();
  const exit = await main(args, terminal);
  process.stdout.write(`${JSON.stringify({ args, exit, text: [...terminal.err, ...terminal.out].join('\n'), ms: Math.round(performance.now() - started) })}\n`);
}
