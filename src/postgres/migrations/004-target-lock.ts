/**
 * Migration 4: the target lock. One LIVE run drives a target at a time. The lock is a lease (run, holder, expiry)
 * that every writing phase takes or renews inside its own transaction, and that a run gives back when it parks or
 * ends. A holder that crashed stops renewing, and its lease expires: it never blocks the target for ever.
 */
export const migration004 = {
  version: 4,
  name: 'target-lock',
  sql: /* sql */ `
CREATE TABLE IF NOT EXISTS cutter.target_lock (
  singleton    boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  run_id       text NOT NULL,
  holder       text NOT NULL,
  acquired_at  timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL
);

-- Takes the lease for p_run_id if it is free, expired, or already this run's, and renews it; returns the run that
-- holds the lease afterwards (this one, or the other run that holds it).
CREATE OR REPLACE FUNCTION cutter.fn_acquire_target(p_run_id text, p_holder text, p_ttl_seconds integer)
RETURNS TABLE (run_id text, holder text, expires_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
  INSERT INTO cutter.target_lock AS l (singleton, run_id, holder, acquired_at, expires_at)
  VALUES (true, p_run_id, p_holder, now(), now() + make_interval(secs => p_ttl_seconds))
  ON CONFLICT (singleton) DO UPDATE
    SET run_id = EXCLUDED.run_id, holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at,
        acquired_at = CASE WHEN l.run_id = EXCLUDED.run_id THEN l.acquired_at ELSE EXCLUDED.acquired_at END
    WHERE l.run_id = EXCLUDED.run_id OR l.expires_at < now();
  RETURN QUERY SELECT l.run_id, l.holder, l.expires_at FROM cutter.target_lock l WHERE l.singleton;
END $fn$;

-- Gives the lease back, if this run holds it.
CREATE OR REPLACE FUNCTION cutter.fn_release_target(p_run_id text) RETURNS boolean
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
  WITH gone AS (DELETE FROM cutter.target_lock WHERE run_id = p_run_id RETURNING 1) SELECT count(*) > 0 FROM gone
$fn$;

REVOKE ALL ON cutter.target_lock FROM PUBLIC;
REVOKE ALL ON FUNCTION cutter.fn_acquire_target(text, text, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION cutter.fn_release_target(text) FROM PUBLIC;
DO $grants$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cutter_exec') THEN
    GRANT EXECUTE ON FUNCTION cutter.fn_acquire_target(text, text, integer), cutter.fn_release_target(text) TO cutter_exec;
  END IF;
END $grants$;
`,
} as const;
