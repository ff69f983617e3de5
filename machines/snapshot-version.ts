/**
 * The format version of persisted run snapshots. A snapshot names states and invoked actors by id; restoring one
 * into a machine whose states or actor ids changed can hang silently (xstate restores a missing child as nothing),
 * so the store keeps this number with every snapshot and refuses a mismatch. A test fails when the machine's states
 * or actor ids change without this number changing.
 */
export const RUN_SNAPSHOT_VERSION = 1;
