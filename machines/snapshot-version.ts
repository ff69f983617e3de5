/**
 * The format version of persisted run snapshots: the shape of the machine they were written by (its states, the
 * actors they invoke, its context's fields). A snapshot names states and invoked actors by id; restoring one into a
 * machine of another shape could hang silently, so every stored run keeps the version it was written with, and a run
 * of an earlier version is migrated on restore (machines/snapshot-migrations.ts).
 *
 * Bumping it: a test fails when the machine's shape changes without a bump, and until the bump comes with its
 * migration, its recorded shape and the fixtures of its parking states (`npm run fixtures:capture`).
 *
 * History:
 * - 1: the first released machine.
 * - 2: adds the state `stranded`, where a run a later release cannot carry on waits to be cancelled.
 */
export const RUN_SNAPSHOT_VERSION = 2;
