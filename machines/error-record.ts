/**
 * The plain-JSON form of an error, as journals, snapshots and `--json` output carry it (an `Error` serialises to `{}`).
 */
export interface ErrorRecord {
  readonly name: string;
  readonly code: string;
  readonly message: string;
  readonly phase?: string;
}

/** Reduces any thrown value to an {@link ErrorRecord}; errors without a string `code` get `E_UNEXPECTED`. */
export function toErrorRecord(error: unknown): ErrorRecord {
  if (error instanceof Error) {
    const { code, phase } = error as { code?: unknown; phase?: unknown };
    const record = { name: error.name, code: typeof code === 'string' ? code : 'E_UNEXPECTED', message: error.message };
    return typeof phase === 'string' ? { ...record, phase } : record;
  }
  return { name: 'Error', code: 'E_UNEXPECTED', message: String(error) };
}
