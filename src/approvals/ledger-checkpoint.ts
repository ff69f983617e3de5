import { z } from 'zod';
import { bytesSignatureValid, signBytes } from './signing.js';
import { canonicalJson } from '../domain/hashing.js';

/** What a checkpoint commits to: the ledger's head (its newest record) in one target, when, and by whom. */
export interface LedgerCheckpointClaims {
  readonly format: 'cutter-ledger-checkpoint/1';
  /** Where the ledger is, for people (a masked DSN or a folder). */
  readonly target: string;
  /** The newest record's sequence (0 for an empty ledger) and hash. */
  readonly seq: number;
  readonly recordHash: string;
  readonly at: string;
  readonly signer: string;
}

/** A signed ledger head an auditor keeps, and checks later with `cutter ledger verify --checkpoint`. */
export interface LedgerCheckpoint extends LedgerCheckpointClaims {
  readonly signature: string;
}

const CHECKPOINT = z.strictObject({
  format: z.literal('cutter-ledger-checkpoint/1'),
  target: z.string(),
  seq: z.number().int().nonnegative(),
  recordHash: z.string().regex(/^[0-9a-f]{64}$/),
  at: z.string(),
  signer: z.string().min(1),
  signature: z.string().min(1),
});

const bytesOf = (claims: LedgerCheckpointClaims): Buffer => {
  const { format, target, seq, recordHash, at, signer } = claims;
  return Buffer.from(canonicalJson({ at, format, recordHash, seq, signer, target }), 'utf8');
};

/** Signs a ledger head with the signer's Ed25519 private key (PEM). */
export function signLedgerCheckpoint(claims: LedgerCheckpointClaims, privateKeyPem: string): LedgerCheckpoint {
  return { ...claims, signature: signBytes(bytesOf(claims), privateKeyPem) };
}

/** Reads a checkpoint file's JSON; null if it is not one (the caller names the file). */
export function parseLedgerCheckpoint(value: unknown): LedgerCheckpoint | null {
  const parsed = CHECKPOINT.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** True when the checkpoint was signed by the holder of `publicKeyPem` and not changed since. */
export function ledgerCheckpointValid(checkpoint: LedgerCheckpoint, publicKeyPem: string): boolean {
  return bytesSignatureValid(bytesOf(checkpoint), checkpoint.signature, publicKeyPem);
}
