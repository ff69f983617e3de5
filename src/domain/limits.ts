/** Size and shape limits for plan rows. Exported so that docs and error messages quote the same numbers. */
export const PlanLimits = {
  /** Characters of a title. */
  maxTitleChars: 500,
  /** UTF-8 bytes of a body (1 MiB). */
  maxBodyBytes: 1024 * 1024,
  /** Characters of an address. */
  maxAddressChars: 512,
  /** Rows in one plan. */
  maxRows: 1_000_000,
} as const;

/**
 * An address is a stable path: lower-case segments of letters, digits, `-`, `_` and `.`, separated by `/`,
 * such as `handbook/backups/retention`.
 */
export const ADDRESS_PATTERN = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/;
