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

/** The step of a restore a database (or pg_restore) refused, each with its own remedy. */
export const RestoreStep = {
  /** Creating the scratch or staging database on the server. */
  CreateDatabase: 'creating a database for the restore',
  /** Bringing the destination's cutter schema to this build's version. */
  Migrate: 'making the cutter schema in the destination',
  /** pg_restore writing the dump into an empty database. */
  PgRestore: 'restoring the dump with pg_restore',
  /** Replacing the destination's IU rows with the backup's and verifying them. */
  Replace: 'replacing the destination\'s IU rows',
  /** Appending the restore record to the target's ledger. */
  Record: 'recording the restore in the target\'s ledger',
} as const;
export type RestoreStep = (typeof RestoreStep)[keyof typeof RestoreStep];

const RESTORE_STEP_HINT: Readonly<Record<RestoreStep, string>> = {
  [RestoreStep.CreateDatabase]: 'The target\'s user needs CREATEDB to make a scratch database: grant it, or restore --into a database you made.',
  [RestoreStep.Migrate]: 'The destination\'s user must be able to create the cutter schema there: run `cutter init` on it as its owner, then restore again.',
  [RestoreStep.PgRestore]: 'pg_restore must be installed and at least as new as the pg_dump that wrote the file (`pg_restore --version`); its message says what it refused.',
  [RestoreStep.Replace]: 'The destination\'s cutter schema refused the backup\'s rows; the replacement rolled back. Bring it to this build\'s schema with `cutter init`, and remove constraints or triggers on cutter.iu_versions that Cutter did not make; or restore into a scratch database (leave out --into).',
  [RestoreStep.Record]: 'The rows were restored and verified, but the ledger did not take the record: check the target\'s ledger with `cutter ledger verify`.',
};

/**
 * A database (or pg_restore) refused a step of a restore with an error Cutter has no narrower code for. The message
 * names the step, the destination and the database's own message with its SQLSTATE; the hint says what to do for
 * that step. What the step wrote rolled back; a scratch database made for the restore is removed; the ledger records
 * a restore only once it is verified, so it has none for this one (unless the failing step is the record itself).
 */
export class RestoreFailed extends CutterError {
  readonly code = ErrorCode.RestoreFailed;
  readonly hint: string;
  readonly step: RestoreStep;
  readonly sqlState: string | undefined;

  constructor(backupId: string, step: RestoreStep, destination: string, cause: unknown, sqlState?: string) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`restore of backup ${backupId} into ${destination} failed while ${step}: ${reason}${sqlState === undefined ? '' : ` (SQLSTATE ${sqlState})`}`, { cause });
    this.step = step;
    this.sqlState = sqlState;
    this.hint = RESTORE_STEP_HINT[step];
  }
}
