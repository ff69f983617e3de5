/**
 * Writes docs/statechart.md from the run machine's definition (`npm run diagram`).
 * With `--check`, writes nothing and exits 1 when the committed file is stale, for CI and pre-commit use.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMachine } from '../machines/run-machine.js';
import { renderStatechartDoc } from '../src/chart/statechart-doc.js';

const target = fileURLToPath(new URL('../docs/statechart.md', import.meta.url));

function readCurrent(): string | null {
  try {
    return readFileSync(target, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

const expected = renderStatechartDoc(runMachine);

if (process.argv.includes('--check')) {
  const current = readCurrent();
  if (current === expected) {
    console.log('docs/statechart.md is up to date.');
  } else {
    const why = current === null ? 'is missing' : 'is stale: it differs from machines/run-machine.ts';
    console.error(`docs/statechart.md ${why}. Run \`npm run diagram\` and commit the result.`);
    process.exitCode = 1;
  }
} else {
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, expected);
  console.log(`wrote ${target}`);
}
