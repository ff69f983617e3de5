import { CutterError } from './cutter-error.js';
import { ErrorCode } from './codes.js';

/**
 * The backup folder can be read or entered by other users (group or world bits set). Cutter creates its folder 0700;
 * an existing folder is not tightened behind the operator's back (it may be shared on purpose), so the backup is
 * refused before anything is written.
 */
export class BackupFolderUnsafe extends CutterError {
  readonly code = ErrorCode.BackupFolderUnsafe;
  readonly hint: string;
  readonly folder: string;

  constructor(folder: string, detail: string) {
    super(`the backup folder ${folder} ${detail}; dumps of the target would be readable by others`, { phase: 'preWriteBackup' });
    this.folder = folder;
    this.hint = `Run \`chmod 700 ${folder}\` (or name a private folder in backup.directory), then try again.`;
  }
}

/**
 * gpg could not encrypt to the configured recipient (gpg missing, the key not in the keyring, expired, or without an
 * encryption subkey). Checked before the dump is taken; a dump that still fails to encrypt is deleted, so no plaintext
 * stays on disk.
 */
export class BackupEncryptionFailed extends CutterError {
  readonly code = ErrorCode.BackupEncryptionFailed;
  readonly hint = 'Install gpg and import the recipient\'s public key into the keyring Cutter uses (GNUPGHOME), or correct backup.gpgRecipient; then try again.';
  readonly recipient: string;

  constructor(recipient: string, reason: string, phase = 'preWriteBackup') {
    super(`cannot encrypt backups to gpg recipient ${recipient}: ${reason}`, { phase });
    this.recipient = recipient;
  }
}

/** No backup with that id is recorded in the target's `cutter.backups`. */
export class BackupNotFound extends CutterError {
  readonly code = ErrorCode.BackupNotFound;
  readonly hint = 'List the target\'s backups with `cutter backup list` and pass one of their ids.';

  constructor(backupId: string, why = 'is not recorded in this target') {
    super(`backup ${backupId} ${why}`);
  }
}

/** A restore would overwrite the target the backup was taken of, and the operator did not confirm it by name. */
export class RestoreTargetUnconfirmed extends CutterError {
  readonly code = ErrorCode.RestoreTargetUnconfirmed;
  readonly hint: string;

  constructor(target: string, name: string) {
    super(`restoring into ${target} would replace the IU versions of the target the backup was taken of`);
    this.hint = `Restore into a scratch database (leave out --into), or confirm by naming it: --confirm-target ${name}.`;
  }
}

/** A restore did not reproduce what its backup recorded (rows or checksum), or the backup file no longer matches. */
export class RestoreMismatch extends CutterError {
  readonly code = ErrorCode.RestoreMismatch;
  readonly hint = 'Nothing was recorded in the ledger. Check the backup file and the destination; restore another backup if this one is damaged.';

  constructor(backupId: string, detail: string) {
    super(`restore of backup ${backupId} does not match what the backup recorded: ${detail}`);
  }
}
