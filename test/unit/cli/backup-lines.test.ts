/**
 * `cutter backup list` and `cutter backup restore` count in words as the rest of the CLI does (issue 18): `1 IU row`,
 * `2 IU rows`, `1 byte`, never `1 IU rows`.
 */
import { describe, expect, it } from 'vitest';
import { printBackupList, printRestore } from '../../../src/cli/backup-lines.js';
import type { RestoreReport } from '../../../src/postgres/backups/restore-backup.js';
import type { BackupRecord } from '../../../src/postgres/sql/backups.js';
import { captureTerminal } from '../../support/capture-terminal.js';

const backup = (rows: number, bytes: number): BackupRecord => ({
  backupId: `backup-${rows}`, runId: 'run-1', changeSetId: 'cs-1', kind: 'pg_dump', location: '/backups/d.sql', host: 'db1',
  bytes, rows, sha256: 'a'.repeat(64), contentSha256: 'b'.repeat(64), verified: true, takenAt: '2026-12-06T00:00:00.000Z',
});

const restored = (rows: number): RestoreReport => ({
  backupId: 'backup-1', kind: 'snapshot', into: 'cutter_restore_1', intoSource: false, rows, contentSha256: 'c'.repeat(64), fileSha256: null, ledger: { seq: 7, recordHash: 'd'.repeat(64) },
});

describe('backup lines', () => {
  it('backup list: 1 IU row and 1 byte in the singular, 2 IU rows and 2,048 bytes in the plural', () => {
    const terminal = captureTerminal();
    printBackupList([backup(1, 1), backup(2, 2048)], terminal);
    const sizes = terminal.out.filter((line) => line.startsWith('  /backups/'));
    expect(sizes).toEqual([
      `  /backups/d.sql on db1 · 1 byte · 1 IU row · sha256 ${'a'.repeat(64)}`,
      `  /backups/d.sql on db1 · 2,048 bytes · 2 IU rows · sha256 ${'a'.repeat(64)}`,
    ]);
  });

  it('backup restore: verified 1 IU row, verified 2 IU rows', () => {
    const lines = (rows: number) => {
      const terminal = captureTerminal();
      printRestore(restored(rows), true, terminal);
      return terminal.out;
    };
    expect(lines(1)).toContain(`  verified: 1 IU row, content sha256 ${'c'.repeat(64)}`);
    expect(lines(2)).toContain(`  verified: 2 IU rows, content sha256 ${'c'.repeat(64)}`);
  });
});
