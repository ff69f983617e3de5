/**
 * Writes a large plan source for measuring planning's memory and time by hand (issue 17), e.g.:
 *   npx tsx bench/gen-sources.ts ndjson 1000000 /tmp/r1m.ndjson   # 1M rows, 1 KB bodies (about 1 GB)
 *   npx tsx bench/gen-sources.ts markdown 100000 /tmp/h100k.md     # 100k headings, 1 KB sections
 *   /usr/bin/time -v node dist/src/cli/main.js plan /tmp/r1m.ndjson --database-url postgres://…/scratch
 * Written as it is generated (with back-pressure), so the generator itself stays small.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

const [kind, countText, out] = process.argv.slice(2);
const count = Number(countText);
if ((kind !== 'ndjson' && kind !== 'markdown') || !Number.isInteger(count) || count <= 0 || out === undefined) {
  process.stderr.write('usage: tsx bench/gen-sources.ts ndjson|markdown <count> <file>\n');
  process.exit(2);
}
const filler = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(18).slice(0, 1000);
const stream = createWriteStream(out);
for (let i = 0; i < count; i++) {
  const text = kind === 'ndjson'
    ? `${JSON.stringify({ address: `bulk/doc-${Math.floor(i / 1000)}/row-${i}`, title: `Row ${i}`, body: `${i} ${filler}` })}\n`
    : `${i % 1000 === 0 ? `# Part ${i / 1000}\n\nIntro ${i}.\n\n` : ''}## Section ${i}\n\n${i} ${filler}\n\n`;
  if (!stream.write(text)) await once(stream, 'drain');
}
stream.end();
await once(stream, 'finish');
