import { BackupEncryptionFailed } from '../../errors/index.js';
import { runTool } from './run-tool.js';

/** How Cutter calls gpg: the recipient to encrypt to, and optionally a keyring and a binary of its own. */
export interface GpgSettings {
  /** A key fingerprint (40 hex digits). */
  readonly recipient: string;
  /** A GNUPGHOME (tests, or a dedicated keyring); else gpg's own default. */
  readonly gpgHome?: string;
  readonly gpgPath?: string;
}

const envOf = (gpg: { gpgHome?: string }) => (gpg.gpgHome === undefined ? {} : { GNUPGHOME: gpg.gpgHome });
const optional = (signal: AbortSignal | undefined) => (signal === undefined ? {} : { signal });

/** Why gpg failed, in a line: "not installed", or its own last words ("No public key"). */
function reasonOf(error: unknown, gpgPath: string): string {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return `${gpgPath} is not installed (or not on PATH)`;
  const text = error instanceof Error ? error.message : String(error);
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return lines.filter((l) => /failed|skipped|no public key|unusable|expired|revoked/i.test(l)).join('; ') || lines.join('; ');
}

/**
 * Encrypts an empty message to the recipient, to stdout, touching no file: it fails exactly where encrypting a dump
 * would (no gpg, no such public key, an expired or revoked key, no encryption subkey), so the run is refused before
 * a dump exists. Throws {@link BackupEncryptionFailed}.
 */
export async function assertGpgCanEncrypt(gpg: GpgSettings, signal?: AbortSignal, phase?: string): Promise<void> {
  const gpgPath = gpg.gpgPath ?? 'gpg';
  try {
    await runTool(gpgPath, ['--batch', '--trust-model', 'always', '--recipient', gpg.recipient, '--encrypt'], { env: envOf(gpg), ...optional(signal) });
  } catch (error) {
    throw new BackupEncryptionFailed(gpg.recipient, reasonOf(error, gpgPath), phase);
  }
}

/** Encrypts `input` into `output` (which may exist, empty: it is overwritten). Throws {@link BackupEncryptionFailed}. */
export async function encryptFile(gpg: GpgSettings, input: string, output: string, signal?: AbortSignal): Promise<void> {
  const gpgPath = gpg.gpgPath ?? 'gpg';
  try {
    await runTool(gpgPath, ['--batch', '--yes', '--trust-model', 'always', '--recipient', gpg.recipient, '--output', output, '--encrypt', input], { env: envOf(gpg), ...optional(signal) });
  } catch (error) {
    throw new BackupEncryptionFailed(gpg.recipient, reasonOf(error, gpgPath));
  }
}

/** Reads an encrypted file back as an OpenPGP message, listing its recipients: needs no private key, decrypts nothing. */
export async function listEncrypted(gpg: Omit<GpgSettings, 'recipient'>, file: string, signal?: AbortSignal): Promise<void> {
  await runTool(gpg.gpgPath ?? 'gpg', ['--batch', '--list-only', '--decrypt', file], { env: envOf(gpg), ...optional(signal) });
}

/** Decrypts `input` into `output` with the keyring's private key (a restore). */
export async function decryptFile(gpg: Omit<GpgSettings, 'recipient'>, input: string, output: string): Promise<void> {
  await runTool(gpg.gpgPath ?? 'gpg', ['--batch', '--yes', '--output', output, '--decrypt', input], { env: envOf(gpg) });
}
