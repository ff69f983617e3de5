import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

/**
 * What is wrong with a PEM text offered as an approver's private key, in words a person can act on, or null when it
 * is an unencrypted Ed25519 private key. Checked before anything is signed (and, in the CLI, before a run is touched),
 * so a wrong file is named as such instead of surfacing as a crypto library's message, or not at all.
 */
export function privateKeyProblem(pem: string): string | null {
  const parsed = privateKeyOf(pem);
  return 'problem' in parsed ? parsed.problem : null;
}

/** The Ed25519 private key of a PEM text, or what is wrong with it (see {@link privateKeyProblem}): parsed once, to check and to sign with. */
export function privateKeyOf(pem: string): { readonly key: KeyObject } | { readonly problem: string } {
  const problem = (text: string) => ({ problem: text });
  const text = pem.trim();
  if (text === '') return problem('is empty');
  if (/-----BEGIN (?:RSA |EC )?PUBLIC KEY-----/.test(text)) return problem('holds a public key (.pub); give the private key (.key) from `cutter keys generate`');
  if (text.includes('-----BEGIN CERTIFICATE-----')) return problem('holds a certificate, not a private key; give the private key (.key) from `cutter keys generate`');
  if (text.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----') || /Proc-Type: 4,ENCRYPTED/.test(text)) {
    return problem('holds a private key encrypted with a passphrase, which cutter cannot use: give an unencrypted Ed25519 key (kept private by its file mode, 0600)');
  }
  if (!text.includes('-----BEGIN')) return problem('is not a PEM key (no -----BEGIN line); give the private key (.key) from `cutter keys generate`');
  const key = parsedKey(text, createPrivateKey, 'private');
  if (typeof key === 'string') return problem(key);
  if (key.asymmetricKeyType !== 'ed25519') return problem(`holds a key of type ${typeName(key.asymmetricKeyType)}, not Ed25519; make one with \`cutter keys generate\``);
  return { key };
}

/** A KeyObject offered to sign with, checked as {@link privateKeyOf} checks a PEM text: an Ed25519 private key, or what it is instead. */
export function privateKeyObjectOf(key: KeyObject): { readonly key: KeyObject } | { readonly problem: string } {
  if (key.type !== 'private') return { problem: `is a ${key.type} KeyObject, not a private key` };
  if (key.asymmetricKeyType !== 'ed25519') return { problem: `is a KeyObject of type ${typeName(key.asymmetricKeyType)}, not Ed25519` };
  return { key };
}

/** What is wrong with a PEM text offered as an approver's public key, or null when it is an Ed25519 public key. */
export function publicKeyProblem(pem: string): string | null {
  const text = pem.trim();
  if (text === '') return 'is empty';
  if (/-----BEGIN (?:ENCRYPTED |RSA |EC )?PRIVATE KEY-----/.test(text)) return 'is a PRIVATE key: give the public key (.pub), and keep the private one with its approver';
  if (!text.includes('-----BEGIN')) return 'is not a PEM public key (no -----BEGIN line)';
  const key = parsedKey(text, createPublicKey, 'public');
  if (typeof key === 'string') return key;
  if (key.type !== 'public') return 'is not a public key';
  if (key.asymmetricKeyType !== 'ed25519') return `is a key of type ${typeName(key.asymmetricKeyType)}, not Ed25519; make one with \`cutter keys generate\``;
  return null;
}

/** The key `create` parses from the PEM text, or the problem to report when it cannot. */
function parsedKey(text: string, create: (pem: string) => KeyObject, kind: 'private' | 'public'): KeyObject | string {
  try {
    return create(text);
  } catch (error) {
    return `is not a readable PEM ${kind} key (${error instanceof Error ? error.message : String(error)})`;
  }
}

function typeName(type: string | undefined): string {
  return (type ?? 'unknown').toUpperCase();
}
