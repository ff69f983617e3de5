/**
 * Size and shape limits for plan rows. Exported so that docs and error messages quote the same numbers, and so that
 * the schema's CHECK constraints are generated from them (src/postgres/sql/row-limits.ts): a row planning accepts is
 * a row the database accepts, and no other. Changing a limit here needs a new migration that replaces those
 * constraints; the one that added them (011) is applied once per target.
 *
 * "Characters" are UTF-16 code units, as JavaScript's `length` counts them (an emoji outside the BMP counts 2).
 */
export const PlanLimits = {
  /** Characters of a title. */
  maxTitleChars: 500,
  /** UTF-8 bytes of a body (1 MiB). */
  maxBodyBytes: 1024 * 1024,
  /** Characters of an address. */
  maxAddressChars: 512,
  /** Characters of a row's `source` (where it came from, for people). */
  maxSourceChars: 1024,
  /** Rows in one plan. */
  maxRows: 1_000_000,
} as const;

/**
 * An address is a stable path: lower-case segments of letters, digits, `-`, `_` and `.`, separated by `/`,
 * such as `handbook/backups/retention`.
 */
export const ADDRESS_PATTERN = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/;

/**
 * Size limits of the files Cutter reads: plan sources and plan files, key files, configuration and approval files.
 * A file is refused by its size before it is read, so a huge file (or a device posing as one) never fills memory.
 * Not stored anywhere, so these may change without a migration.
 */
export const FileLimits = {
  /**
   * Bytes of one plan source or plan file (256 MiB). Well under the longest string V8 can hold (about 512 MiB), so a
   * file refused is refused as too large, never as "not UTF-8" by a decoder that ran out of room.
   */
  maxSourceFileBytes: 256 * 1024 * 1024,
  /**
   * Bytes of one Markdown or NDJSON source (64 GiB). These are read a line at a time and never held whole, so their
   * size is bounded by what a plan may hold (PlanLimits.maxRows rows), not by memory; `.json` keeps maxSourceFileBytes.
   */
  maxStreamedSourceFileBytes: 64 * 1024 * 1024 * 1024,
  /**
   * Characters of one line of a Markdown or NDJSON source (16 Mi): the most a line-by-line read holds. A row's line is
   * at most about 6 MiB (a 1 MiB body written entirely as `\u` escapes), so a longer line can only be refused anyway.
   */
  maxSourceLineChars: 16 * 1024 * 1024,
  /** Bytes of a key file (a PEM key is under 1 KiB). */
  maxKeyFileBytes: 64 * 1024,
  /** Bytes of a configuration file or an approval file. */
  maxSettingsFileBytes: 4 * 1024 * 1024,
} as const;
