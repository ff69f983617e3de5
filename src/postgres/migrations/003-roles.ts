/** The roles a run uses, and what each may do. */
export const DbRole = { Exec: 'cutter_exec', Verify: 'cutter_verify' } as const;
export type DbRole = (typeof DbRole)[keyof typeof DbRole];

/**
 * Creating roles needs CREATEROLE, which a deployment may not give Cutter; `cutter init` then prints this for an
 * administrator. Roles are cluster-wide, so creation tolerates a concurrent creator.
 */
export const CREATE_ROLES_SQL = /* sql */ `
DO $roles$
BEGIN
  -- Checked first: where the roles already exist, a user without CREATEROLE can still apply the grants.
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cutter_exec') THEN
    BEGIN
      CREATE ROLE cutter_exec NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cutter_verify') THEN
    BEGIN
      CREATE ROLE cutter_verify NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
  END IF;
END $roles$;
`;

/**
 * Least privilege. cutter_exec writes IUs (status columns only after insert), change sets, the ledger (append only:
 * no UPDATE or DELETE), phase records and backups. cutter_verify only reads, and records its own verification.
 * Neither may touch the kill switch except through the read function.
 */
export const GRANTS_SQL = /* sql */ `
GRANT USAGE ON SCHEMA cutter TO cutter_exec, cutter_verify;
GRANT SELECT ON cutter.schema_migrations TO cutter_exec, cutter_verify;
GRANT SELECT, INSERT ON cutter.iu_versions TO cutter_exec;
GRANT UPDATE (status, review_decision_id, superseded_by, updated_at) ON cutter.iu_versions TO cutter_exec;
GRANT SELECT, INSERT ON cutter.lifecycle_log, cutter.change_sets, cutter.ledger, cutter.phase_records,
  cutter.backups, cutter.iu_snapshots, cutter.verify_results TO cutter_exec;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA cutter TO cutter_exec;
GRANT SELECT ON cutter.iu_versions, cutter.lifecycle_log, cutter.change_sets, cutter.ledger, cutter.phase_records,
  cutter.verify_results TO cutter_verify;
GRANT INSERT ON cutter.verify_results, cutter.phase_records TO cutter_verify;
GRANT USAGE ON SEQUENCE cutter.verify_results_id_seq TO cutter_verify;
REVOKE ALL ON cutter.kill_switch FROM PUBLIC;
REVOKE ALL ON FUNCTION cutter.fn_kill_switch_enabled() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cutter.fn_kill_switch_enabled() TO cutter_exec, cutter_verify;
`;

export const migration003 = { version: 3, name: 'roles-and-grants', sql: `${CREATE_ROLES_SQL}\n${GRANTS_SQL}` } as const;
