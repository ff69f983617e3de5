/**
 * What a watcher of a run may see. An inspector (the Stately viewer, a host's dashboard, a log) is outside the run's
 * trust boundary, so everything handed to one passes through {@link sanitizeForInspection} first: IU bodies and plan
 * rows, approval signatures, tokens, keys, passwords and DSNs are replaced; ids, counts, hashes, states, phase
 * results and error codes are kept, because those are what a watcher needs to follow the run.
 */

/** What replaces a secret or a body. Fixed text, so a watcher sees that something was there, never what. */
export const REDACTED = '[redacted]';

/** Keys whose value is content or a credential, whatever its type. Compared without case, `_` or `-`. */
const SECRET_KEYS: ReadonlySet<string> = new Set([
  'body', 'bodies', 'content', 'signature', 'sig', 'password', 'passwd', 'pwd', 'pass', 'secret', 'token', 'approvaltoken',
  'apikey', 'privatekey', 'privatekeypem', 'dsn', 'dsnbyrole', 'databaseurl', 'connectionstring', 'authorization',
]);
/** Keys that hold a credential whatever their prefix (`clientSecret`, `sessionToken`, `adminPassword`). */
const SECRET_KEY_PART = /secret|password|token|signature|privatekey|apikey|dsn/i;
/** Keys that hold a whole plan: only their size is shown. */
const ROW_KEYS: ReadonlySet<string> = new Set(['rows', 'plan']);

const normalise = (key: string): string => key.toLowerCase().replace(/[-_]/g, '');
const isSecretKey = (key: string): boolean => SECRET_KEYS.has(normalise(key)) || SECRET_KEY_PART.test(normalise(key));

/** Secrets that can hide inside any text: an error message, a location, a free-text reason. */
const SECRET_PATTERNS: readonly (readonly [RegExp, string])[] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g, '[redacted private key]'],
  // Any PostgreSQL URL, whole: even without a password its user, host and database are the target's address book.
  [/\bpostgres(?:ql)?:\/\/[^\s'"<>`]*/gi, '[redacted dsn]'],
  // Any other URL that carries credentials (`scheme://user:pass@host`).
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s/@'"<>`]*@[^\s'"<>`]*/gi, '[redacted url]'],
  // key=value connection strings and query parameters: `password=…`, `sslkey=…`, `token=…`.
  [/\b(password|passwd|pwd|secret|token|sslkey|sslpassword|api[_-]?key)(\s*[=:]\s*)[^\s&;,'"]+/gi, `$1$2${REDACTED}`],
];

/** Punctuation that ends a sentence after a URL rather than belonging to it. */
const TRAILING = /[.,:;)\]]+$/;

/** Replaces every secret-looking part of a text. */
export function scrubText(text: string): string {
  return SECRET_PATTERNS.reduce(
    (result, [pattern, replacement]) =>
      result.replace(pattern, (match: string, ...groups: unknown[]) => {
        const tail = replacement.startsWith('[') ? (TRAILING.exec(match)?.[0] ?? '') : '';
        const captured = (n: string): string => { const group = groups[Number(n) - 1]; return typeof group === 'string' ? group : ''; };
        const replaced = replacement.replace(/\$(\d)/g, (_, n: string) => captured(n));
        return `${replaced}${tail}`;
      }),
    text,
  );
}

const MAX_DEPTH = 12;

/**
 * A plain-JSON copy of `value` that is safe to show a watcher. Pure: the input is never changed. Errors become
 * `{ name, code, message, phase? }`; functions and symbols are dropped; class instances are named, not opened;
 * cycles and very deep values are cut.
 */
export function sanitizeForInspection(value: unknown): unknown {
  return sanitize(value, 0, new WeakSet());
}

function sanitize(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return undefined; // functions, symbols
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  seen.add(value);
  try {
    if (value instanceof Error) return errorRecordOf(value);
    if (value instanceof Date) return value.toISOString();
    if (Array.isArray(value) || value instanceof Set) return [...(value as Iterable<unknown>)].map((item) => sanitize(item, depth + 1, seen));
    if (value instanceof Map) return sanitize(Object.fromEntries(value), depth, seen);
    // Only data is walked. A class instance here is machinery (an actor, its system, a logic object), whose graph
    // reaches everything the run holds: it is named, never opened.
    const proto = Object.getPrototypeOf(value) as object | null;
    if (proto !== null && proto !== Object.prototype) return `[${(value as { constructor?: { name?: string } }).constructor?.name ?? 'object'}]`;
    const copy: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (isSecretKey(key)) copy[key] = REDACTED;
      else if (ROW_KEYS.has(key) && isPlanLike(inner)) copy[key] = `${REDACTED}: ${rowCount(inner)} rows`;
      else {
        const clean = sanitize(inner, depth + 1, seen);
        if (clean !== undefined) copy[key] = clean;
      }
    }
    return copy;
  } finally {
    seen.delete(value);
  }
}

function errorRecordOf(error: Error): Record<string, unknown> {
  const { code, phase } = error as { code?: unknown; phase?: unknown };
  return {
    name: error.name,
    code: typeof code === 'string' ? code : 'E_UNEXPECTED',
    message: scrubText(error.message),
    ...(typeof phase === 'string' ? { phase } : {}),
  };
}

/** An array of rows, or a `{ rows: [...] }` plan. */
function isPlanLike(value: unknown): boolean {
  return Array.isArray(value) || (typeof value === 'object' && value !== null && Array.isArray((value as { rows?: unknown }).rows));
}

function rowCount(value: unknown): number {
  return Array.isArray(value) ? value.length : ((value as { rows: unknown[] }).rows).length;
}
