/**
 * Migration 10: the database as the last line of defence (issue 15).
 * - Progress cannot be forged. A phase record, a verification result and a lifecycle-log row are written only by
 *   SECURITY DEFINER functions (fixed search_path, EXECUTE granted per role), never by a phase role's INSERT. A phase
 *   record is accepted only if it agrees with what it stands for (`fn_phase_record_disagreement`, also asked on
 *   replay): a backup with its row and checksum, a cut with the change set's rows, a Leg B with its ledger entry, a
 *   verification with its result, an enactment with its log, a compensation with its revert entry.
 * - The lifecycle is the database's. Versions enter only as drafts (column grants: a phase role cannot name a status,
 *   a review decision or a successor). Only the enact, retire and revert functions move a version: the phase roles
 *   hold no UPDATE on it. A draft becomes enacted only with a review decision id, and only once the change set's
 *   verification passed (recorded by cutter_verify, which recomputes the digest itself) and its SG_2 pass is recorded
 *   (`cutter.gate_passes`, written by the enact function).
 * - A lease is given back only by the run that holds the target, and only by the process that holds the run (its
 *   hold token) when the run is held.
 */
import { PHASE_EVIDENCE_SQL } from './010-phase-evidence.js';
import { LIFECYCLE_FUNCTIONS_SQL } from './010-lifecycle-functions.js';

export const migration010 = {
  version: 10,
  name: 'unforgeable-progress',
  sql: `${PHASE_EVIDENCE_SQL}\n${LIFECYCLE_FUNCTIONS_SQL}\n${/* sql */ `
REVOKE INSERT ON cutter.phase_records, cutter.verify_results, cutter.lifecycle_log FROM cutter_exec, cutter_verify;
REVOKE INSERT, UPDATE ON cutter.iu_versions FROM cutter_exec;
GRANT INSERT (address, version, title, body, content_hash, change_set_id) ON cutter.iu_versions TO cutter_exec;
GRANT SELECT ON cutter.gate_passes, cutter.backups TO cutter_exec, cutter_verify;

-- No function of the schema is anyone's by default: each role is granted what its phases call, and nothing else.
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA cutter FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cutter.fn_iu_create(text, text, text, text, text), cutter.fn_iu_create_batch(text[], text[], text[], text[], text) TO cutter_exec;
REVOKE ALL ON FUNCTION cutter.fn_phase_record_disagreement(text, text, text, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION cutter.fn_record_exec_phase(text, text, text, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION cutter.fn_record_verify_phase(text, text, text, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION cutter.fn_record_verify(text, text, integer, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION cutter.fn_enact_addresses(text, text, text, text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION cutter.fn_retire_addresses(text, text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION cutter.fn_revert_change_set(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION cutter.fn_release_target_held(text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION cutter.fn_release_target(text) FROM PUBLIC, cutter_exec;
GRANT EXECUTE ON FUNCTION cutter.fn_phase_record_disagreement(text, text, text, jsonb) TO cutter_exec, cutter_verify;
GRANT EXECUTE ON FUNCTION cutter.fn_record_exec_phase(text, text, text, jsonb), cutter.fn_enact_addresses(text, text, text, text[]),
  cutter.fn_retire_addresses(text, text[]), cutter.fn_revert_change_set(text), cutter.fn_release_target_held(text, text) TO cutter_exec;
GRANT EXECUTE ON FUNCTION cutter.fn_record_verify_phase(text, text, text, jsonb), cutter.fn_record_verify(text, text, integer, text) TO cutter_verify;
`}`,
} as const;
