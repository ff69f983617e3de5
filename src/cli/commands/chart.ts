import type { Command } from 'commander';
import { runMachine } from '../../../machines/run-machine.js';
import { toDot, toMermaid } from '../../chart/index.js';
import { ExitCode } from '../exit-codes.js';
import type { Terminal } from '../terminal.js';

/** Registers `cutter chart`: the run statechart as Mermaid or DOT, generated from the machine itself. */
export function registerChart(program: Command, terminal: Terminal, setExit: (code: ExitCode) => void): void {
  program
    .command('chart')
    .description('print the run statechart, generated from the machine definition')
    .option('-f, --format <format>', 'mermaid or dot', 'mermaid')
    .action((options: { format: string }) => {
      if (options.format !== 'mermaid' && options.format !== 'dot') {
        terminal.error(`error E_INVALID_INPUT: --format must be mermaid or dot, not ${options.format}`);
        setExit(ExitCode.Usage);
        return;
      }
      terminal.line(options.format === 'dot' ? toDot(runMachine) : toMermaid(runMachine));
      setExit(ExitCode.Ok);
    });
}
