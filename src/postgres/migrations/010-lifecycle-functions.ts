/**
 * Migration 10, part two: the lifecycle belongs to the database. The phase roles hold no UPDATE on IU versions; the
 * enact, retire and revert functions below are the only ways a version moves, and the transition trigger refuses a
 * draft's enactment without a review decision and a recorded SG_2 pass, whoever issues it.
 */
export const LIFECYCLE_FUNCTIONS_SQL = /* sql */ `
-- A change set's SG_2 pass, recorded by the enactment that carries it out (with its review decision). The database
-- cannot check an Ed25519 signature (PostgreSQL has none); what it can check is that the pass follows a verification
-- cutter_verify recorded, and that no draft is enacted without one.
CREATE TABLE IF NOT EXISTS cutter.gate_passes (
  change_set_id      text NOT NULL,
  gate               text NOT NULL CHECK (gate IN ('SG_2')),
  run_id             text NOT NULL,
  review_decision_id text NOT NULL CHECK (length(btrim(review_decision_id)) > 0),
  recorded_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (change_set_id, gate)
);
REVOKE ALL ON cutter.gate_passes FROM PUBLIC;

CREATE OR REPLACE FUNCTION cutter.tg_iu_check_transition() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
       (OLD.status = 'draft' AND NEW.status IN ('enacted', 'retired'))
    OR (OLD.status = 'enacted' AND NEW.status IN ('superseded', 'retired'))
    OR (OLD.status = 'superseded' AND NEW.status IN ('enacted', 'retired'))
    -- A version a change set retired comes back only when that change set is reverted.
    OR (OLD.status = 'retired' AND NEW.status = 'enacted' AND OLD.retired_by IS NOT NULL AND NEW.retired_by IS NULL)
  ) THEN
    RAISE EXCEPTION 'illegal lifecycle move % -> % for % v%', OLD.status, NEW.status, OLD.address, OLD.version
      USING ERRCODE = 'check_violation';
  END IF;
  IF OLD.status = 'draft' AND NEW.status = 'enacted' THEN
    IF NEW.review_decision_id IS NULL OR btrim(NEW.review_decision_id) = '' THEN
      RAISE EXCEPTION 'enacting % v% needs a review decision id', OLD.address, OLD.version USING ERRCODE = 'check_violation';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM cutter.gate_passes g WHERE g.change_set_id = NEW.change_set_id AND g.gate = 'SG_2') THEN
      RAISE EXCEPTION 'enacting % v%: change set % has no recorded SG_2 pass', OLD.address, OLD.version, NEW.change_set_id
        USING ERRCODE = 'check_violation';
    END IF;
  END IF;
  IF NEW.title IS DISTINCT FROM OLD.title OR NEW.body IS DISTINCT FROM OLD.body OR NEW.content_hash IS DISTINCT FROM OLD.content_hash THEN
    RAISE EXCEPTION 'IU content is immutable (% v%)', OLD.address, OLD.version USING ERRCODE = 'check_violation';
  END IF;
  NEW.updated_at := now();
  RETURN NEW;
END $fn$;

-- The lifecycle log is written by this trigger alone, as its owner (the phase roles hold no INSERT on the log). No
-- SET search_path: it runs once per row of a cut, where a per-call setting costs measurably, and it needs none —
-- every relation is schema-qualified and functions resolve in pg_catalog first, which is always searched first.
CREATE OR REPLACE FUNCTION cutter.tg_iu_log_status() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $fn$
BEGIN
  IF TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status THEN
    INSERT INTO cutter.lifecycle_log (iu_id, address, version, from_status, to_status, change_set_id, acting_change_set)
    VALUES (NEW.id, NEW.address, NEW.version, CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.status END, NEW.status,
            NEW.change_set_id, nullif(pg_catalog.current_setting('cutter.acting_change_set', true), ''));
  END IF;
  RETURN NULL;
END $fn$;

-- Enacts this change set's drafts at p_addresses (one chunk), superseding the versions they replace first. Refused
-- unless cutter_verify recorded a passing verification of the change set; records the SG_2 pass with its review
-- decision. Reports by exception (ord in the chunk, version, status) rows not enacted at version 1.
-- Planned afresh for each chunk (force_custom_plan): a cached generic plan knows neither the change set nor how many
-- addresses come.
CREATE OR REPLACE FUNCTION cutter.fn_enact_addresses(p_change_set_id text, p_review_decision_id text, p_run_id text, p_addresses text[])
RETURNS TABLE (ord integer, version integer, status text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET plan_cache_mode = force_custom_plan AS $fn$
#variable_conflict use_column
BEGIN
  IF NOT EXISTS (SELECT 1 FROM cutter.verify_results r WHERE r.change_set_id = p_change_set_id AND r.ok) THEN
    RAISE EXCEPTION 'change set % has no passing verification recorded: it cannot be enacted', p_change_set_id
      USING ERRCODE = 'CR003';
  END IF;
  INSERT INTO cutter.gate_passes (change_set_id, gate, run_id, review_decision_id)
    VALUES (p_change_set_id, 'SG_2', p_run_id, p_review_decision_id) ON CONFLICT (change_set_id, gate) DO NOTHING;
  PERFORM set_config('cutter.acting_change_set', p_change_set_id, true);
  -- Every probe goes by address through the (address, version) index, newest version first (a draft is always an
  -- address's newest): a plan that ANDs the change-set index in reads the whole change set per address (measured on
  -- the bench at 100k: about 1 s per chunk of 1,000).
  UPDATE cutter.iu_versions v SET status = 'superseded', superseded_by = p_change_set_id
    FROM unnest(p_addresses) AS s (address)
    CROSS JOIN LATERAL (SELECT w.change_set_id, w.status FROM cutter.iu_versions w WHERE w.address = s.address ORDER BY w.version DESC LIMIT 1) n
    WHERE n.change_set_id = p_change_set_id AND n.status = 'draft' AND v.address = s.address AND v.status = 'enacted';
  UPDATE cutter.iu_versions v SET status = 'enacted', review_decision_id = p_review_decision_id
    FROM unnest(p_addresses) AS s (address)
    CROSS JOIN LATERAL (SELECT w.id FROM cutter.iu_versions w WHERE w.address = s.address ORDER BY w.version DESC LIMIT 1) n
    WHERE v.id = n.id AND v.change_set_id = p_change_set_id AND v.status = 'draft';
  -- A second statement sees the update: what each address's newest version now is.
  RETURN QUERY
  SELECT (a.n - 1)::integer, coalesce(x.version, 0),
         CASE WHEN x.change_set_id IS DISTINCT FROM p_change_set_id THEN 'not-found' WHEN x.status = 'enacted' THEN 'enacted' ELSE 'not-draft' END
  FROM unnest(p_addresses) WITH ORDINALITY AS a (address, n)
  LEFT JOIN LATERAL (
    SELECT w.version, w.status, w.change_set_id FROM cutter.iu_versions w WHERE w.address = a.address ORDER BY w.version DESC LIMIT 1
  ) x ON true
  WHERE x.change_set_id IS DISTINCT FROM p_change_set_id OR x.status <> 'enacted' OR x.version <> 1;
END $fn$;

-- Retires the enacted versions at p_addresses, naming the change set (its revert may enact them again).
CREATE OR REPLACE FUNCTION cutter.fn_retire_addresses(p_change_set_id text, p_addresses text[])
RETURNS TABLE (address text) LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET plan_cache_mode = force_custom_plan AS $fn$
#variable_conflict use_column
BEGIN
  PERFORM set_config('cutter.acting_change_set', p_change_set_id, true);
  RETURN QUERY UPDATE cutter.iu_versions v SET status = 'retired', retired_by = p_change_set_id
    WHERE v.address = ANY (p_addresses) AND v.status = 'enacted' RETURNING v.address;
END $fn$;

-- The revert of migration 9, now run as its owner: the phase roles cannot move a version by themselves.
ALTER FUNCTION cutter.fn_revert_change_set(text) SECURITY DEFINER SET search_path = pg_catalog, pg_temp;

-- The predecessor's per-row create, without naming the status (a version enters as a draft by default).
CREATE OR REPLACE FUNCTION cutter.fn_iu_create_batch(
  p_addresses text[], p_titles text[], p_bodies text[], p_hashes text[], p_change_set_id text
) RETURNS TABLE (ord bigint, address text, version integer, status text) LANGUAGE sql AS $fn$
  WITH input AS (
    SELECT t.ord, t.address, t.title, t.body, t.content_hash
    FROM unnest(p_addresses, p_titles, p_bodies, p_hashes) WITH ORDINALITY AS t (address, title, body, content_hash, ord)
  ),
  latest AS (
    SELECT DISTINCT ON (v.address) v.address, v.version, v.status, v.content_hash
    FROM cutter.iu_versions v JOIN input i ON i.address = v.address
    ORDER BY v.address, v.version DESC
  ),
  classified AS (
    SELECT i.*, l.version AS latest_version,
      CASE
        WHEN i.title IS NULL OR btrim(i.title) = '' OR i.body IS NULL OR btrim(i.body) = '' THEN 'invalid'
        WHEN l.status = 'draft' THEN 'conflict'
        WHEN l.status = 'enacted' AND l.content_hash = i.content_hash THEN 'exists'
        ELSE 'created'
      END AS status
    FROM input i LEFT JOIN latest l ON l.address = i.address
  ),
  inserted AS (
    INSERT INTO cutter.iu_versions (address, version, title, body, content_hash, change_set_id)
    SELECT c.address, coalesce(c.latest_version, 0) + 1, c.title, c.body, c.content_hash, p_change_set_id
    FROM classified c WHERE c.status = 'created'
    RETURNING iu_versions.address, iu_versions.version
  )
  SELECT c.ord, c.address, coalesce(ins.version, c.latest_version, 0), c.status
  FROM classified c LEFT JOIN inserted ins ON ins.address = c.address
  ORDER BY c.ord
$fn$;

-- A lease is given back by the run that holds the target; when that run is held by a process, only with its token.
CREATE OR REPLACE FUNCTION cutter.fn_release_target_held(p_run_id text, p_token text) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
  released boolean;
BEGIN
  -- The lease first, then the hold: the order a TRUNCATE listing both takes them in (as a test's reset does), so a
  -- release racing it cannot deadlock (seen in every-path-db). A release not this process's to make rolls back.
  DELETE FROM cutter.target_lock l WHERE l.run_id = p_run_id;
  released := FOUND;
  IF EXISTS (SELECT 1 FROM cutter.run_holds h WHERE h.run_id = p_run_id AND h.token IS DISTINCT FROM p_token) THEN
    RAISE EXCEPTION 'run % is held by another process: its lease is not this one''s to give back', p_run_id USING ERRCODE = 'CR001';
  END IF;
  RETURN released;
END $fn$;
`;
