/**
 * Migration 12: backups that say where they are, and restores in the ledger.
 * - `cutter.backups.host`: the machine (`os.hostname()`) that took the backup. A pg_dump's location is an absolute
 *   path on that machine, so a restore elsewhere can say where the file is instead of "not found".
 * - `cutter.backups.content_sha256`: the digest of the IU rows the backup holds (the same expression for the table, a
 *   snapshot and a restored copy), so a restore is verified row for row, not only by the file's checksum.
 * - The ledger accepts a `restore` record: who restored which backup into what, with the rows and checksums the
 *   restore was verified against. It is chained like every other record.
 *
 * No new grants: the phase roles already hold table-level INSERT and SELECT on `cutter.backups` (003), which cover the
 * new columns; restores are an administrator's act and run on the administrator's session.
 */
export const migration012 = {
  version: 12,
  name: 'backup-host-restores',
  sql: /* sql */ `
ALTER TABLE cutter.backups ADD COLUMN IF NOT EXISTS host text;
ALTER TABLE cutter.backups ADD COLUMN IF NOT EXISTS content_sha256 text CHECK (content_sha256 ~ '^[0-9a-f]{64}$');

-- Widen the ledger's kinds: dropped and added again, so applying this twice is harmless.
ALTER TABLE cutter.ledger DROP CONSTRAINT IF EXISTS ledger_kind_check;
ALTER TABLE cutter.ledger ADD CONSTRAINT ledger_kind_check CHECK (kind IN ('change-set', 'revert', 'kill-switch', 'restore'));
`,
} as const;
