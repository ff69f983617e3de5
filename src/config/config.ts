import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { publicKeyProblem } from '../approvals/key-problems.js';
import { identityCollisions } from '../domain/identity.js';
import { FileLimits } from '../domain/limits.js';
import { fieldOfIssue } from '../domain/issue-field.js';
import { InvalidInput } from '../errors/index.js';
import { readInputText } from '../files/read-input-file.js';
import { PolicyRulesSchema } from '../policy/policy.js';
import { resolvePolicy, type ApprovalPolicy } from '../policy/resolve.js';
import { DefaultPath } from './cutter-folder.js';

/** The environment variable naming the configuration file when `--config` is not given. */
export const CONFIG_ENV = 'CUTTER_CONFIG';
/** The configuration file read from the working folder when neither is given (it may be absent). */
export const DEFAULT_CONFIG_FILE = 'cutter.config.json';
/** The other place looked at when neither is given: in .cutter/, which git ignores, beside the keys it names. */
export const CUTTER_FOLDER_CONFIG_FILE = DefaultPath.config;

/**
 * The configuration file a command reads: `--config`, else $CUTTER_CONFIG, else ./cutter.config.json or
 * .cutter/cutter.config.json, whichever exists. Both existing is refused: which policy is in force must never depend
 * on a precedence rule nobody remembers. With neither, `file` is .cutter/cutter.config.json, where one would go.
 */
export function configFileOf(path: string | undefined, env: NodeJS.ProcessEnv = process.env): { readonly file: string; readonly explicit: boolean } {
  const explicit = path ?? env[CONFIG_ENV];
  if (explicit !== undefined) return { file: resolve(explicit), explicit: true };
  const found = [DEFAULT_CONFIG_FILE, CUTTER_FOLDER_CONFIG_FILE].filter((candidate) => existsSync(candidate));
  if (found.length > 1) throw new InvalidInput('config', `both ./${DEFAULT_CONFIG_FILE} and ${CUTTER_FOLDER_CONFIG_FILE} exist: keep one, or name it with --config`);
  return { file: resolve(found[0] ?? CUTTER_FOLDER_CONFIG_FILE), explicit: false };
}

const ConfigSchema = z.strictObject({
  /**
   * Approver name → Ed25519 public key: PEM text, or a path to a PEM file (relative to the config file). Names are
   * compared in their canonical form (see canonicalIdentity), so two names that are one person are refused.
   */
  approvers: z.record(z.string().min(1), z.union([
    z.string().min(1),
    z.strictObject({ publicKey: z.string().min(1), groups: z.array(z.string().trim().min(1).max(100)).default([]) }),
  ])).default({}).superRefine((approvers, ctx) => {
    for (const group of identityCollisions(Object.keys(approvers))) {
      ctx.addIssue({ code: 'custom', path: [group[1] ?? ''], message: `${group.map((n) => JSON.stringify(n)).join(' and ')} are the same approver once case and Unicode forms are set aside: keep one` });
    }
  }),
  /** Let a run's initiator approve it. Off unless set. */
  allowSelfApproval: z.boolean().default(false),
  /** What each gate needs: quorum, groups, separation of duties, lifetimes, change windows, risk rules (docs/operations.md, "Approval policy"). */
  policy: PolicyRulesSchema.default(PolicyRulesSchema.parse({})),
  /** The pre-write backup of LIVE runs. */
  backup: z
    .discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('snapshot') }),
      z.strictObject({
        kind: z.literal('pg_dump'),
        /**
         * Relative to the config file's folder (resolved once, at load), not to the folder a command runs in. Absent:
         * .cutter/backups in the working folder.
         */
        directory: z.string().min(1).optional(),
        gpgRecipient: z.string().regex(/^[0-9A-Fa-f]{40}$/, 'must be a 40-hex-digit key fingerprint').optional(),
      }),
    ])
    .default({ kind: 'snapshot' }),
  /** Seconds the target lease lasts without renewal. */
  leaseSeconds: z.number().int().min(5).max(3600).default(120),
});

/** Parsed, resolved and frozen configuration. */
export interface CutterConfig {
  readonly source: string | null;
  /** Approver name → public key (PEM), resolved from files. */
  readonly approvers: Readonly<Record<string, string>>;
  readonly allowSelfApproval: boolean;
  /** The approval policy every run is judged by: approvers with their groups and keys, and the rules (validated, hashed). */
  readonly approvalPolicy: ApprovalPolicy;
  readonly backup: Readonly<ResolvedBackup>;
  readonly leaseSeconds: number;
}

/**
 * Reads the configuration once: the file {@link configFileOf} names, else the defaults (no approvers: every approval
 * is refused). Errors name the field and the fix.
 */
export async function loadConfig(path: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<CutterConfig> {
  const { file, explicit } = configFileOf(path, env);
  // An absent default file means the defaults; a file named explicitly must be there. Anything that is there is read
  // as a regular file of bounded size, so a FIFO or a device in its place is refused instead of hanging the command.
  const text = !explicit && !existsSync(file) ? null : await readInputText(file, SETTINGS_FILE_RULE('config'));
  let raw: unknown = {};
  if (text !== null) {
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new InvalidInput('config', `${file} is not valid JSON: ${(error as Error).message}`);
    }
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidInput(fieldOfIssue(issue, 'config'), `${issue?.message ?? 'invalid'} (in ${file})`);
  }
  const approvers: Record<string, string> = {};
  const entries: Record<string, { publicKey: string; groups: readonly string[] }> = {};
  for (const [name, entry] of Object.entries(parsed.data.approvers)) {
    const key = typeof entry === 'string' ? entry : entry.publicKey;
    approvers[name] = key.trimStart().startsWith('-----BEGIN') ? inlineKey(key, name, file) : await readKey(resolve(dirname(file), key), name);
    entries[name] = { publicKey: approvers[name], groups: typeof entry === 'string' ? [] : entry.groups };
  }
  const approvalPolicy: ApprovalPolicy = { approvers: entries, allowSelfApproval: parsed.data.allowSelfApproval, rules: parsed.data.policy };
  try {
    resolvePolicy(approvalPolicy);
  } catch (error) {
    if (error instanceof InvalidInput) throw new InvalidInput(error.field, `${error.message.slice(`invalid input: ${error.field}: `.length)} (in ${file})`);
    throw error;
  }
  return Object.freeze({
    source: text === null ? null : file,
    approvers: Object.freeze(approvers),
    allowSelfApproval: parsed.data.allowSelfApproval,
    approvalPolicy,
    backup: Object.freeze(absoluteBackup(parsed.data.backup, dirname(file))),
    leaseSeconds: parsed.data.leaseSeconds,
  });
}

/** The backup settings as read: a pg_dump folder is always there, and absolute. */
export type ResolvedBackup =
  | Extract<z.infer<typeof ConfigSchema>['backup'], { kind: 'snapshot' }>
  | (Omit<Extract<z.infer<typeof ConfigSchema>['backup'], { kind: 'pg_dump' }>, 'directory'> & { readonly directory: string });

/**
 * The backup folder made absolute against the config file's folder, once, when the configuration is read: whichever
 * process approves (in whatever current folder) writes to the same place, and that place is recorded in full.
 */
function absoluteBackup(backup: z.infer<typeof ConfigSchema>['backup'], configFolder: string): ResolvedBackup {
  return backup.kind === 'pg_dump' ? { ...backup, directory: backup.directory === undefined ? resolve(DefaultPath.backups) : resolve(configFolder, backup.directory) } : backup;
}

const SETTINGS_FILE_RULE = (field: string) => ({ field, maxBytes: FileLimits.maxSettingsFileBytes, limitName: 'FileLimits.maxSettingsFileBytes' });

/**
 * An approver's public key written in the configuration, parsed now: a key that cannot be parsed would otherwise be
 * found only when that approver's first approval is refused as a bad signature.
 */
function inlineKey(pem: string, name: string, file: string): string {
  const problem = publicKeyProblem(pem);
  if (problem !== null) throw new InvalidInput(`approvers.${name}`, `the public key of ${name} ${problem} (in ${file})`);
  return pem;
}

/** An approver's public key in a PEM file the configuration names, read and parsed now, naming the file if wrong. */
async function readKey(path: string, name: string): Promise<string> {
  const field = `approvers.${name}`;
  let pem: string;
  try {
    pem = await readInputText(path, { field, maxBytes: FileLimits.maxKeyFileBytes, limitName: 'FileLimits.maxKeyFileBytes' });
  } catch (error) {
    if (!(error instanceof InvalidInput)) throw error;
    throw new InvalidInput(field, `cannot read the public key ${error.message.slice(`invalid input: ${field}: `.length)}`);
  }
  const problem = publicKeyProblem(pem);
  if (problem !== null) throw new InvalidInput(field, `the public key ${path} of ${name} ${problem}`);
  return pem;
}
