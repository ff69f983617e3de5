import { writeIfOpen } from './closed-output.js';

/** Colour and output for people: colour only on a TTY, never when NO_COLOR is set (https://no-color.org). */
export interface Terminal {
  readonly color: boolean;
  line(text?: string): void;
  error(text: string): void;
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  red(text: string): string;
}

/** Builds a terminal over stdout/stderr, deciding colour once from the environment. */
export function createTerminal(
  stdout: NodeJS.WriteStream = process.stdout,
  stderr: NodeJS.WriteStream = process.stderr,
  env: NodeJS.ProcessEnv = process.env,
): Terminal {
  const color = stdout.isTTY && env.NO_COLOR === undefined && env.TERM !== 'dumb';
  const paint = (open: number, close: number) => (text: string) => (color ? `\u001b[${open}m${text}\u001b[${close}m` : text);
  return {
    color,
    // A reader that went away (`| head -1`) gets nothing more; the command itself goes on (closed-output.ts).
    line: (text = '') => { writeIfOpen(stdout, `${text}\n`); },
    error: (text) => { writeIfOpen(stderr, `${text}\n`); },
    bold: paint(1, 22),
    dim: paint(2, 22),
    green: paint(32, 39),
    yellow: paint(33, 39),
    red: paint(31, 39),
  };
}
