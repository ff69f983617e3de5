import { CutterError, ErrorCode } from '../errors/index.js';

/** The target has no Cutter schema, or an older one than this build needs. */
export class TargetNotReady extends CutterError {
  readonly code = ErrorCode.TargetNotReady;
  readonly hint = 'Run `cutter init` against the target (it creates or upgrades the cutter schema).';

  constructor(found: number, needed: number) {
    super(found === 0 ? 'the target has no cutter schema' : `the target's cutter schema is version ${found}; this build needs ${needed}`, { phase: 'precheck' });
  }
}

/**
 * The target's cutter schema is newer than this build knows: a newer Cutter upgraded it. This build refuses it rather
 * than write with assumptions the newer schema may have changed.
 */
export class TargetSchemaTooNew extends CutterError {
  readonly code = ErrorCode.SchemaTooNew;
  readonly hint = 'Use the Cutter release that upgraded this target (or a later one); see "Upgrading Cutter with runs in flight" in docs/operations.md.';

  constructor(found: number, known: number) {
    super(`the target's cutter schema is version ${found}, newer than this build's ${known}: a newer Cutter upgraded it, and this one does not write to it`);
  }
}

/** Refuses a schema newer than this build, and (unless `allowOlder`) one older than it needs. */
export function assertSchemaVersion(found: number, known: number, options: { readonly allowOlder?: boolean } = {}): void {
  if (found > known) throw new TargetSchemaTooNew(found, known);
  if (found < known && options.allowOlder !== true) throw new TargetNotReady(found, known);
}

/** SQLSTATEs worth retrying the whole phase for (after its rollback). Model: graphile-worker's table. */
export const RETRYABLE_SQLSTATES: ReadonlySet<string> = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available
  '57P01', // admin_shutdown
  '08006', // connection_failure
  '08003', // connection_does_not_exist
]);

/** The SQLSTATE of an error, found by walking its `cause` chain. */
export function sqlStateOf(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current !== null && typeof current === 'object' && depth < 10; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Connection-level failures: the target went away (terminated backend, restart, network), not a wrong statement. */
const CONNECTION_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);

/** True when an error (or its cause) is a connection-level failure. */
export function isConnectionFailure(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current !== null && typeof current === 'object' && depth < 10; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
    if (current instanceof Error && /Connection terminated|connection is closed|Client has encountered a connection error/i.test(current.message)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** The target could not be reached or dropped the connection; the phase rolled back. Resumable. */
export class TargetUnavailable extends CutterError {
  readonly code = ErrorCode.TargetUnavailable;
  readonly hint = 'The database was unreachable or dropped the connection; nothing of the phase was kept. Resume the run once it answers.';

  constructor(phase: string, cause: unknown) {
    super(`the target was unavailable during ${phase}: ${cause instanceof Error ? cause.message : String(cause)}`, { phase, cause });
  }
}
