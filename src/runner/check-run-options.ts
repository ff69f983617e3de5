import { Mode } from '../domain/mode.js';
import { InvalidInput } from '../errors/index.js';

/**
 * What a library caller hands to `createRun`, `createDurableRun` and `restoreRun` is checked at run time, whatever
 * its static type says: JavaScript callers, casts and values read from JSON reach these functions too, and a `null`
 * must be refused naming its field, not fail later as a TypeError (or, worse, half-way through a phase).
 */

/** One field's check: the problem with `value` (how to put it right), or null when it is fine. */
type FieldCheck = (value: unknown) => string | null;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const kindOf = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value);

/** A name or id stored in the target: PostgreSQL text holds no NUL, and a lone surrogate does not survive UTF-8. */
const text: FieldCheck = (value) =>
  typeof value !== 'string' ? `must be a string, not ${kindOf(value)}`
    : value.trim() === '' ? 'must not be empty'
      : value.includes('\u0000') || !value.isWellFormed() ? 'must not contain NUL bytes or lone surrogates'
        : null;

const objectWith = (methods: readonly string[], what: string): FieldCheck => (value) => {
  if (!isObject(value) && typeof value !== 'function') return `must be ${what}, not ${kindOf(value)}`;
  const missing = methods.filter((m) => typeof (value as Record<string, unknown>)[m] !== 'function');
  return missing.length === 0 ? null : `must be ${what} (missing ${missing.map((m) => `${m}()`).join(', ')})`;
};

const approverEntry = (name: string, entry: unknown): string | null => {
  if (typeof entry === 'string') return entry.trim() === '' ? `approver ${name}: the public key must not be empty` : null;
  if (!isObject(entry) || typeof entry.publicKey !== 'string') return `approver ${name}: must be a public key (PEM) or { publicKey, groups }`;
  const groups = entry.groups;
  if (groups !== undefined && !(Array.isArray(groups) && groups.every((g) => typeof g === 'string'))) return `approver ${name}: groups must be a list of names`;
  return null;
};

const approvals: FieldCheck = (value) => {
  if (!isObject(value)) return `must be an approval policy { approvers: { name: publicKeyPem } }, not ${kindOf(value)}`;
  if (!isObject(value.approvers)) return `approvers must map each approver's name to a public key, not ${kindOf(value.approvers)}`;
  for (const [name, entry] of Object.entries(value.approvers)) {
    const problem = approverEntry(name, entry);
    if (problem !== null) return problem;
  }
  if (value.allowSelfApproval !== undefined && typeof value.allowSelfApproval !== 'boolean') return 'allowSelfApproval must be true or false';
  if (value.rules !== undefined && !isObject(value.rules)) return `rules must be an object, not ${kindOf(value.rules)}`;
  if (value.now !== undefined && typeof value.now !== 'function') return 'now must be a function returning the current Date';
  return null;
};

/** The checks of the options every run function shares (the plan is validated by planning's own validator). */
const SHARED_CHECKS: Readonly<Record<string, FieldCheck>> = {
  approvals,
  executor: (value) => (isObject(value) ? null : `must be an executor (a LiveExecutionAdapter for LIVE), not ${kindOf(value)}`),
  killSwitch: objectWith(['executionEnabled'], 'a kill switch'),
  logger: objectWith(['child'], 'a pino logger'),
  // A function, or an observer ({ next }) such as @statelyai/inspect's `inspector.inspect`.
  inspect: (value) => (typeof value === 'function' || (typeof value === 'object' && value !== null && typeof (value as { next?: unknown }).next === 'function') ? null : `must be a function or an observer ({ next }) receiving inspection events, not ${kindOf(value)}`),
  hold: (value) => {
    if (!isObject(value)) return `must be { command?, ttlSeconds?, waitMs? }, not ${kindOf(value)}`;
    for (const key of ['ttlSeconds', 'waitMs'] as const) {
      const n = value[key];
      if (n !== undefined && (typeof n !== 'number' || !Number.isFinite(n) || n < 0)) return `${key} must be a number of ${key === 'waitMs' ? 'milliseconds' : 'seconds'} ≥ 0`;
    }
    return value.command === undefined ? null : text(value.command);
  },
  restoredBy: text,
  store: objectWith(['create', 'load', 'journal', 'saveSnapshot', 'appendJournal'], 'a run store (see PostgresRunStore)'),
};

const CREATE_CHECKS: Readonly<Record<string, FieldCheck>> = {
  ...SHARED_CHECKS,
  mode: (value) => (Object.values(Mode).includes(value as Mode) ? null : `must be ${Mode.DryRun} or ${Mode.Live}`),
  initiator: (value) => (typeof value === 'string' && value.trim() === '' ? 'must name who starts the run' : text(value)),
  runId: text,
  expectedPlanHash: (value) => (typeof value === 'string' && /^[0-9a-f]{64}$/.test(value) ? null : 'must be the plan hash the approvers were shown (64 hex digits)'),
  journal: objectWith(['event', 'snapshot', 'flush'], 'a run journal'),
  snapshot: (value) => (isObject(value) ? null : `must be a persisted snapshot, not ${kindOf(value)}`),
  holdToken: text,
};

const RESTORE_CHECKS: Readonly<Record<string, FieldCheck>> = { ...SHARED_CHECKS, runId: text };

/**
 * Checks `options` against `checks`: `required` fields must be present; every other field, if present (not
 * `undefined`), must pass its check. `null` is never taken for "absent": it is refused, naming the field.
 */
function checkFields(options: unknown, checks: Readonly<Record<string, FieldCheck>>, required: readonly string[], call: string): void {
  if (!isObject(options)) throw new InvalidInput('options', `${call} takes an options object (${required.join(', ')}, ...), not ${kindOf(options)}`);
  for (const field of required) {
    if (options[field] === undefined) throw new InvalidInput(field, `is required by ${call}`);
  }
  for (const [field, check] of Object.entries(checks)) {
    const value = options[field];
    if (value === undefined) continue;
    const problem = check(value);
    if (problem !== null) throw new InvalidInput(field, problem);
  }
}

/**
 * Checks the options of `createRun` (and `createRunOf`), except the plan: mode, initiator and approvals are
 * required; every optional field given must be of its kind.
 *
 * @throws {InvalidInput} naming the first field at fault (`options` when there is no options object at all).
 */
export function checkCreateRunOptions(options: unknown, call = 'createRun'): void {
  checkFields(options, CREATE_CHECKS, ['mode', 'initiator', 'approvals'], call);
}

/** Checks the options of `createDurableRun`: those of `createRun`, and a run store. */
export function checkDurableRunOptions(options: unknown): void {
  checkFields(options, CREATE_CHECKS, ['mode', 'initiator', 'approvals', 'store'], 'createDurableRun');
}

/** Checks the options of `restoreRun`: the run's id, a run store and an approval policy; the rest comes from the store. */
export function checkRestoreRunOptions(options: unknown): void {
  checkFields(options, RESTORE_CHECKS, ['runId', 'store', 'approvals'], 'restoreRun');
}
