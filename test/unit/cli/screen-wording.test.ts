/** Lines a person reads: counts in the right number, and an empty backup called empty (issue 18). */
import { describe, expect, it } from 'vitest';
import { backupLine } from '../../../src/cli/run-reporter.js';
import { runListLines } from '../../../src/cli/run-list.js';
import { counted } from '../../../src/text/plural.js';

const backup = { backupId: 'b1', location: 'snapshot b1', sha256: 'ab'.repeat(32), takenAt: '2026-12-06T00:00:00.000Z', simulated: false };

describe('screen wording', () => {
  it('counts with the noun in the right number', () => {
    expect([counted(0, 'row'), counted(1, 'row'), counted(2, 'IU draft'), counted(1, 'entry', 'entries'), counted(12_345, 'entry', 'entries')])
      .toEqual(['0 rows', '1 row', '2 IU drafts', '1 entry', '12,345 entries']);
  });

  it('an empty backup is called empty, never "0 bytes … verified true"', () => {
    expect(backupLine({ ...backup, bytes: 0, verified: true })).toBe('backup snapshot b1: empty (the target held nothing to back up), read back and verified');
    expect(backupLine({ ...backup, bytes: 1, verified: true })).toBe(`backup snapshot b1 (1 byte, sha256 ${'ab'.repeat(6)}…, read back and verified)`);
    expect(backupLine({ ...backup, bytes: 2048, verified: false })).toContain('2,048 bytes');
    expect(backupLine({ ...backup, bytes: 2048, verified: false })).toContain('NOT verified');
  });

  it('cutter list: a header, then runs oldest first whatever order the store gives', () => {
    const run = (runId: string, createdAt: string) => ({ runId, mode: 'DRYRUN' as const, initiator: 'carol', planHash: null, state: 'awaitingCutApproval', status: 'active', snapshotVersion: 1, createdAt, updatedAt: createdAt });
    const lines = runListLines([run('r-new', '2026-12-06T10:00:00.000Z'), run('r-old', '2026-12-05T10:00:00.000Z')]);
    expect(lines[0]?.split(/\s{2,}/)).toEqual(['RUN', 'MODE', 'STATE', 'STATUS', 'INITIATOR', 'CREATED (UTC)', 'UPDATED (UTC)']);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['r-old', 'r-new']);
    expect(lines[1]).toContain('2026-12-05 10:00:00');
  });
});
