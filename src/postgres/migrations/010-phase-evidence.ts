/**
 * Migration 10, part one: what a phase record must agree with, and the only ways to write one (and a verification
 * result). Every function is SECURITY DEFINER with a fixed search_path, so a phase role reaches the tables only
 * through them; `fn_phase_record_disagreement` is also what the adapter asks before it trusts a record on replay.
 */
export const PHASE_EVIDENCE_SQL = /* sql */ `
-- NULL when the record agrees with the database; otherwise why not, in words. A record's count may be stored as a
-- number (this release) or as the list of rows (earlier releases).
CREATE OR REPLACE FUNCTION cutter.fn_phase_record_disagreement(p_run_id text, p_phase text, p_change_set_id text, p_result jsonb)
RETURNS text LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
  claimed bigint;
  actual bigint;
BEGIN
  IF p_phase = 'preWriteBackup' THEN
    PERFORM 1 FROM cutter.backups b
      WHERE b.backup_id = p_result->>'backupId' AND b.run_id = p_run_id AND b.change_set_id = p_change_set_id
        AND b.sha256 = p_result->>'sha256' AND b.verified;
    IF NOT FOUND THEN
      RETURN format('no verified backup %s with checksum %s was taken for run %s', coalesce(p_result->>'backupId', '(none)'), coalesce(p_result->>'sha256', '(none)'), p_run_id);
    END IF;
    PERFORM 1 FROM cutter.backups b WHERE b.backup_id = p_result->>'backupId' AND b.kind = 'snapshot'
      AND b.row_count <> (SELECT count(*) FROM cutter.iu_snapshots s WHERE s.backup_id = b.backup_id);
    IF FOUND THEN RETURN format('snapshot backup %s does not hold the rows it records', p_result->>'backupId'); END IF;
  ELSIF p_phase = 'cutLegA' THEN
    PERFORM 1 FROM cutter.change_sets c WHERE c.change_set_id = p_change_set_id AND c.run_id = p_run_id;
    IF NOT FOUND THEN RETURN format('change set %s was not cut by run %s', p_change_set_id, p_run_id); END IF;
    claimed := CASE WHEN jsonb_typeof(p_result) = 'array' THEN jsonb_array_length(p_result) ELSE (p_result->>'created')::bigint END;
    SELECT count(*) INTO actual FROM cutter.iu_versions v WHERE v.change_set_id = p_change_set_id;
    IF claimed IS DISTINCT FROM actual THEN
      RETURN format('the cut records %s versions, change set %s has %s', coalesce(claimed::text, 'no count'), p_change_set_id, actual);
    END IF;
  ELSIF p_phase = 'legBRecord' THEN
    PERFORM 1 FROM cutter.ledger l
      WHERE l.seq::text = p_result->>'ledgerEntryId' AND l.record_hash = p_result->>'recordHash'
        AND l.change_set_id = p_change_set_id AND l.payload->>'runId' = p_run_id;
    IF NOT FOUND THEN
      RETURN format('ledger entry %s with hash %s for change set %s of run %s does not exist', coalesce(p_result->>'ledgerEntryId', '(none)'), coalesce(p_result->>'recordHash', '(none)'), p_change_set_id, p_run_id);
    END IF;
  ELSIF p_phase = 'writeVerify' THEN
    PERFORM 1 FROM cutter.verify_results r
      WHERE r.run_id = p_run_id AND r.change_set_id = p_change_set_id AND r.ok = (p_result->>'ok')::boolean
        AND r.actual_count::text = p_result->>'actualCount' AND r.actual_digest = p_result->>'actualDigest';
    IF NOT FOUND THEN RETURN format('no verification of change set %s by run %s found what the record says', p_change_set_id, p_run_id); END IF;
  ELSIF p_phase = 'lifecycleEnact' THEN
    claimed := CASE WHEN jsonb_typeof(p_result->'enacted') = 'array' THEN jsonb_array_length(p_result->'enacted') ELSE (p_result->>'enacted')::bigint END;
    SELECT count(*) INTO actual FROM cutter.lifecycle_log g
      WHERE g.change_set_id = p_change_set_id AND g.from_status = 'draft' AND g.to_status = 'enacted';
    IF claimed IS DISTINCT FROM actual THEN
      RETURN format('the enactment records %s versions, the lifecycle log shows %s of change set %s enacted', coalesce(claimed::text, 'no count'), actual, p_change_set_id);
    END IF;
  ELSIF p_phase = 'compensateChangeSet' THEN
    PERFORM 1 FROM cutter.ledger l WHERE l.kind = 'revert' AND l.change_set_id = p_change_set_id AND l.payload->>'runId' = p_run_id;
    IF NOT FOUND THEN RETURN format('no revert of change set %s by run %s is in the ledger', p_change_set_id, p_run_id); END IF;
    PERFORM 1 FROM cutter.iu_versions v WHERE v.change_set_id = p_change_set_id AND v.status IN ('draft', 'enacted');
    IF FOUND THEN RETURN format('change set %s still has live versions', p_change_set_id); END IF;
  ELSE
    RETURN format('%s is not a phase that records its result', p_phase);
  END IF;
  RETURN NULL;
END $fn$;

-- Records a committed phase; refused (SQLSTATE CR002) unless the record agrees with the database. A plain INSERT: a
-- second record of the same phase fails the primary key and rolls its transaction back.
CREATE OR REPLACE FUNCTION cutter.fn_record_phase(p_run_id text, p_phase text, p_change_set_id text, p_result jsonb)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
  problem text := cutter.fn_phase_record_disagreement(p_run_id, p_phase, p_change_set_id, p_result);
BEGIN
  IF problem IS NOT NULL THEN
    RAISE EXCEPTION 'phase record of % for run % refused: %', p_phase, p_run_id, problem USING ERRCODE = 'CR002';
  END IF;
  INSERT INTO cutter.phase_records (run_id, phase, change_set_id, result) VALUES (p_run_id, p_phase, p_change_set_id, p_result);
END $fn$;
REVOKE ALL ON FUNCTION cutter.fn_record_phase(text, text, text, jsonb) FROM PUBLIC;

-- One entry point per role, each for the phases that role runs.
CREATE OR REPLACE FUNCTION cutter.fn_record_exec_phase(p_run_id text, p_phase text, p_change_set_id text, p_result jsonb)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
  IF p_phase NOT IN ('preWriteBackup', 'cutLegA', 'legBRecord', 'lifecycleEnact', 'compensateChangeSet') THEN
    RAISE EXCEPTION 'cutter_exec does not record phase %', p_phase USING ERRCODE = 'insufficient_privilege';
  END IF;
  PERFORM cutter.fn_record_phase(p_run_id, p_phase, p_change_set_id, p_result);
END $fn$;
CREATE OR REPLACE FUNCTION cutter.fn_record_verify_phase(p_run_id text, p_phase text, p_change_set_id text, p_result jsonb)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
  IF p_phase <> 'writeVerify' THEN
    RAISE EXCEPTION 'cutter_verify does not record phase %', p_phase USING ERRCODE = 'insufficient_privilege';
  END IF;
  PERFORM cutter.fn_record_phase(p_run_id, p_phase, p_change_set_id, p_result);
END $fn$;

-- Verification: the database computes the change set's count and digest itself (as changeSetDigest does), compares
-- them with what the plan expects, records the result and returns it. Nobody can record a verification it did not do.
CREATE OR REPLACE FUNCTION cutter.fn_record_verify(p_run_id text, p_change_set_id text, p_expected_count integer, p_expected_digest text)
RETURNS TABLE (ok boolean, actual_count integer, actual_digest text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
  n integer;
  digest text;
BEGIN
  SELECT count(*)::integer,
         encode(sha256(convert_to(coalesce(string_agg(v.address || E'\\t' || v.content_hash || E'\\n', '' ORDER BY v.address COLLATE "C"), ''), 'UTF8')), 'hex')
    INTO n, digest
    FROM cutter.iu_versions v WHERE v.change_set_id = p_change_set_id AND v.status IN ('draft', 'enacted');
  INSERT INTO cutter.verify_results (run_id, change_set_id, ok, expected_count, actual_count, expected_digest, actual_digest)
    VALUES (p_run_id, p_change_set_id, n = p_expected_count AND digest = p_expected_digest, p_expected_count, n, p_expected_digest, digest);
  RETURN QUERY SELECT n = p_expected_count AND digest = p_expected_digest, n, digest;
END $fn$;
`;
