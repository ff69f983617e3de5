import { describe, expect, it } from 'vitest';
import { recordFileIn } from '../../../bench/record-file.js';

/** A directory holding exactly `files`. */
const holding = (files: readonly string[]) => (file: string) => Promise.resolve(files.includes(file));

describe("the bench's record file", () => {
  it('takes the day-and-host name when no record has it', async () => {
    expect(await recordFileIn('/r', '2026-12-06-vm', false, holding([]))).toBe('/r/2026-12-06-vm.json');
  });

  it('never overwrites a record: a second run of the day takes the next free name', async () => {
    expect(await recordFileIn('/r', '2026-12-06-vm-1m', false, holding(['/r/2026-12-06-vm-1m.json']))).toBe('/r/2026-12-06-vm-1m-2.json');
    expect(await recordFileIn('/r', '2026-12-06-vm-1m', false, holding(['/r/2026-12-06-vm-1m.json', '/r/2026-12-06-vm-1m-2.json']))).toBe('/r/2026-12-06-vm-1m-3.json');
  });

  it('overwrites a partial record, which is scratch (git ignores it)', async () => {
    expect(await recordFileIn('/r', '2026-12-06-vm-partial', true, holding(['/r/2026-12-06-vm-partial.json']))).toBe('/r/2026-12-06-vm-partial.json');
  });
});
