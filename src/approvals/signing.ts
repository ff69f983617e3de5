import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, sign, verify } from 'node:crypto';
import { canonicalJson } from '../domain/hashing.js';
import type { Approval, ApprovalClaims } from '../domain/approval.js';
import { InvalidInput } from '../errors/index.js';
import { privateKeyObjectOf, privateKeyOf } from './key-problems.js';

/** An approver's Ed25519 key pair, PEM-encoded. The private key stays with the approver. */
export interface ApproverKeyPair {
  readonly publicKey: string;
  readonly privateKey: string;
}

/** Makes a new Ed25519 key pair for an approver (`cutter keys generate`). */
export function generateApproverKeyPair(): ApproverKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/** The exact bytes an approver signs: the canonical JSON of the claims (never the signature itself). */
export function signedBytesOf(claims: ApprovalClaims): Buffer {
  const { gate, runId, changeSetId, planHash, approver, reason, issuedAt, expiresAt, reviewDecisionId, notBefore, policyHash } = claims;
  // Absent optional claims are left out of the canonical JSON, so approvals signed before they existed still verify.
  return Buffer.from(
    canonicalJson({ approver, changeSetId, expiresAt, gate, issuedAt, notBefore, planHash, policyHash, reason, reviewDecisionId, runId }),
    'utf8',
  );
}

/**
 * Signs approval claims with an approver's private key: its PEM text, or a KeyObject the caller parsed once (an
 * approver that signs many approvals in one process need not parse its key for each; Cutter keeps no private key).
 *
 * @throws {InvalidInput} when `claims` is not an object or `privateKeyPem` is not an Ed25519 private key, as PEM text or
 *   a KeyObject (field `claims` or `privateKeyPem`, saying what the key is instead: a public key, encrypted, ...).
 * @example
 * const approval = signApproval({ gate: 'SG_1', runId, changeSetId, planHash, approver: 'alice',
 *   reason: 'reviewed the diff', issuedAt, expiresAt }, alicePrivateKeyPem);
 */
export function signApproval(claims: ApprovalClaims, privateKeyPem: string | KeyObject): Approval {
  // Callers may not be TypeScript: a missing argument or a wrong key is named, not a TypeError from node:crypto.
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw new InvalidInput('claims', 'must be the approval claims object (gate, runId, changeSetId, planHash, approver, reason, issuedAt, expiresAt)');
  const parsed = privateKeyPem instanceof KeyObject ? privateKeyObjectOf(privateKeyPem) : typeof privateKeyPem === 'string' ? privateKeyOf(privateKeyPem) : null;
  if (parsed === null) throw new InvalidInput('privateKeyPem', 'must be the approver\'s Ed25519 private key as PEM text (or its KeyObject)');
  if ('problem' in parsed) throw new InvalidInput('privateKeyPem', `the key ${parsed.problem}`);
  // The key checked is the key used: parsed once.
  return { ...claims, signature: sign(null, signedBytesOf(claims), parsed.key).toString('base64') };
}

/** An Ed25519 signature (base64) of `bytes` by a private key (PEM). */
export function signBytes(bytes: Buffer, privateKeyPem: string): string {
  return sign(null, bytes, createPrivateKey(privateKeyPem)).toString('base64');
}

/** True when `signature` (base64) is a valid Ed25519 signature of `bytes` by `publicKeyPem`; false for any bad input. */
export function bytesSignatureValid(bytes: Buffer, signature: string, publicKeyPem: string): boolean {
  try {
    return verify(null, bytes, publicKeyOf(publicKeyPem), Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** Parsed public keys by PEM: a gate checks an approval more than once, and a policy names few keys. Public, so safe to keep. */
const publicKeys = new Map<string, KeyObject>();
const MAX_CACHED_KEYS = 256;

function publicKeyOf(pem: string): KeyObject {
  let key = publicKeys.get(pem);
  if (key === undefined) {
    key = createPublicKey(pem);
    if (publicKeys.size >= MAX_CACHED_KEYS) publicKeys.clear();
    publicKeys.set(pem, key);
  }
  return key;
}

/** True when `approval.signature` is a valid Ed25519 signature of its claims by `publicKeyPem`. */
export function signatureValid(approval: Approval, publicKeyPem: string): boolean {
  return bytesSignatureValid(signedBytesOf(approval), approval.signature, publicKeyPem);
}
