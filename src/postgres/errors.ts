import { CutterError, ErrorCode } from '../errors/index.js';

/** The target has no Cutter schema, or an older one than this build needs. */
export class TargetNotReady extends CutterError {
  readonly code = ErrorCode.TargetNotReady;
  readonly hint = 'Run `cutter init` against the target (it creates or upgrades the cutter schema).';

  constructor(found: number, needed: number) {
    super(found === 0 ? 'the target has no cutter schema' : `the target's cutter schema is version ${found}; this build needs ${needed}`, { phase: 'precheck' });
  }
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
