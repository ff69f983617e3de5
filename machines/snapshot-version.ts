/**
 * The format version of persisted run snapshots: the shape of the machine they were written by (its states, the
 * actors they invoke, its context's fields, its transitions). A snapshot names states and invoked actors by id; restoring one into a
 * machine of another shape could hang silently, so every stored run keeps the version it was written with, and a run
 * of an earlier version is migrated on restore (machines/snapshot-migrations.ts).
 *
 * Bumping it: a test fails when the machine's shape changes without a bump, and until the bump comes with its
 * migration, its recorded shape and the fixtures of its parking states (`npm run fixtures:capture`).
 *
 * History:
 * - 1: the first released machine.
 * - 2: adds the state `stranded`, where a run a later release cannot carry on waits to be cancelled.
 * - 3: a refusal that passes (kill switch, busy or unreachable target) after SG_1 halts the run (before the backup or
 *   the cut too) instead of ending it; a valid SG_1 approval with the switch OFF leaves the run at SG_1; a refused
 *   compensation waits at SG_3 again; a run halted before the backup may be cancelled outright.
 * - 4: gates collect approvals and open when the approval policy is met (quorum, groups, separation of duties, change
 *   windows), re-checked by RESUME at a gate; a run is bound to the policy it was created under (`policyHash`), and
 *   BIND_POLICY re-binds it to the one in force.
 */
export const RUN_SNAPSHOT_VERSION = 4;
