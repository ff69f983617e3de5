import type { RestoreReport } from '../postgres/backups/restore-backup.js';
import type { BackupRecord } from '../postgres/sql/backups.js';
import { counted } from '../text/plural.js';
import type { Terminal } from './terminal.js';

/** `cutter backup list` for people: three lines a backup, every count in the right number (`1 IU row`, `2 IU rows`). */
export function printBackupList(backups: readonly BackupRecord[], terminal: Terminal): void {
  if (backups.length === 0) {
    terminal.line('no backups');
    return;
  }
  for (const b of backups) {
    terminal.line(`${terminal.bold(b.backupId)}  ${b.kind}${b.verified ? '' : terminal.red(' (not verified)')}  ${terminal.dim(b.takenAt)}`);
    terminal.line(`  run ${b.runId} · change set ${b.changeSetId}`);
    terminal.line(`  ${b.location} on ${b.host ?? '(host not recorded)'} · ${counted(b.bytes, 'byte')} · ${counted(b.rows, 'IU row')} · sha256 ${b.sha256}`);
  }
}

/** `cutter backup restore` for people: where the backup went, what was verified there, and the ledger record. */
export function printRestore(report: RestoreReport, scratch: boolean, terminal: Terminal): void {
  terminal.line(`${terminal.green('restored')} backup ${report.backupId} (${report.kind}) into ${report.into}${scratch ? ' (a scratch database created for this restore: drop it, or delete its folder, when done)' : ''}`);
  terminal.line(`  verified: ${counted(report.rows, 'IU row')}, content sha256 ${report.contentSha256}${report.fileSha256 === null ? '' : `, file sha256 ${report.fileSha256}`}`);
  terminal.line(`  recorded: ledger record #${report.ledger.seq} (restore) ${report.ledger.recordHash}`);
}
