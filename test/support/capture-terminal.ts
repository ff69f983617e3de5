import type { Terminal } from '../../src/cli/terminal.js';

/** A terminal that keeps what was printed, without colour. */
export function captureTerminal(): Terminal & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const plain = (text: string) => text;
  return {
    color: false, out, err,
    line: (text = '') => { out.push(text); },
    error: (text) => { err.push(text); },
    bold: plain, dim: plain, green: plain, yellow: plain, red: plain,
  };
}
