/**
 * Migration 2: the functions the adapter calls. Set-based: one call handles a chunk of rows and reports a status per
 * row, so a phase is a few round trips whatever its size, and any row not `created` / `enacted` can stop the batch.
 */
export const migration002 = {
  version: 2,
  name: 'functions',
  sql: /* sql */ `
-- Creates a draft version for each row. Status per row: created | exists (the enacted version already has this
-- content) | conflict (an open draft exists) | invalid (no title or body).
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
    INSERT INTO cutter.iu_versions (address, version, title, body, content_hash, status, change_set_id)
    SELECT c.address, coalesce(c.latest_version, 0) + 1, c.title, c.body, c.content_hash, 'draft', p_change_set_id
    FROM classified c WHERE c.status = 'created'
    RETURNING iu_versions.address, iu_versions.version
  )
  SELECT c.ord, c.address, coalesce(ins.version, c.latest_version, 0), c.status
  FROM classified c LEFT JOIN inserted ins ON ins.address = c.address
  ORDER BY c.ord
$fn$;

-- The predecessor's per-row form, kept for hosts and tools that call it; returns a jsonb status.
CREATE OR REPLACE FUNCTION cutter.fn_iu_create(
  p_address text, p_title text, p_body text, p_hash text, p_change_set_id text
) RETURNS jsonb LANGUAGE sql AS $fn$
  SELECT jsonb_build_object('address', b.address, 'version', b.version, 'status', b.status)
  FROM cutter.fn_iu_create_batch(ARRAY[p_address], ARRAY[p_title], ARRAY[p_body], ARRAY[p_hash], p_change_set_id) b
$fn$;

-- Enacts this change set's drafts at the given addresses, superseding their enacted versions first (so the
-- one-enacted-per-address index holds throughout). Status per address: enacted | not-found | not-draft.
CREATE OR REPLACE FUNCTION cutter.fn_iu_enact_batch(
  p_change_set_id text, p_addresses text[], p_review_decision_id text
) RETURNS TABLE (ord bigint, address text, version integer, status text) LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM set_config('cutter.acting_change_set', p_change_set_id, true);
  UPDATE cutter.iu_versions v SET status = 'superseded', superseded_by = p_change_set_id
  WHERE v.status = 'enacted' AND v.address = ANY (p_addresses)
    AND EXISTS (SELECT 1 FROM cutter.iu_versions d
                WHERE d.address = v.address AND d.change_set_id = p_change_set_id AND d.status = 'draft');
  RETURN QUERY
  WITH input AS (
    SELECT a.address, a.ord FROM unnest(p_addresses) WITH ORDINALITY AS a (address, ord)
  ),
  enacted AS (
    UPDATE cutter.iu_versions v SET status = 'enacted', review_decision_id = p_review_decision_id
    FROM input i
    WHERE v.address = i.address AND v.change_set_id = p_change_set_id AND v.status = 'draft'
    RETURNING v.address, v.version
  )
  SELECT i.ord, i.address, coalesce(e.version, x.version, 0),
         CASE WHEN e.address IS NOT NULL THEN 'enacted' WHEN x.address IS NULL THEN 'not-found' ELSE 'not-draft' END
  FROM input i
  LEFT JOIN enacted e ON e.address = i.address
  LEFT JOIN LATERAL (
    SELECT v.address, v.version FROM cutter.iu_versions v
    WHERE v.address = i.address AND v.change_set_id = p_change_set_id ORDER BY v.version DESC LIMIT 1
  ) x ON true
  ORDER BY i.ord;
END $fn$;

CREATE OR REPLACE FUNCTION cutter.fn_iu_enact(
  p_address text, p_change_set_id text, p_review_decision_id text
) RETURNS jsonb LANGUAGE sql AS $fn$
  SELECT jsonb_build_object('address', b.address, 'version', b.version, 'status', b.status)
  FROM cutter.fn_iu_enact_batch(p_change_set_id, ARRAY[p_address], p_review_decision_id) b
$fn$;

-- Undoes a change set: its drafts and enacted versions are retired, and the versions it superseded are enacted
-- again. Every move goes through the lifecycle triggers, so it is checked and logged.
CREATE OR REPLACE FUNCTION cutter.fn_revert_change_set(p_change_set_id text)
RETURNS TABLE (action text, address text, version integer) LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM set_config('cutter.acting_change_set', p_change_set_id, true);
  RETURN QUERY
    UPDATE cutter.iu_versions v SET status = 'retired'
    WHERE v.change_set_id = p_change_set_id AND v.status = 'draft'
    RETURNING 'retire-draft'::text, v.address, v.version;
  RETURN QUERY
    UPDATE cutter.iu_versions v SET status = 'retired'
    WHERE v.change_set_id = p_change_set_id AND v.status = 'enacted'
    RETURNING 'retire-enacted'::text, v.address, v.version;
  RETURN QUERY
    UPDATE cutter.iu_versions v SET status = 'enacted', superseded_by = NULL
    WHERE v.superseded_by = p_change_set_id AND v.status = 'superseded'
    RETURNING 're-enact'::text, v.address, v.version;
END $fn$;
`,
} as const;
