/**
 * Migration 9: change over time. A plan row carries the action planning found for its address against the target
 * (`new`, `changed`, `retire`), kept with the plan where it is stored. Enacting a change set that retires an address
 * marks its enacted version `retired` and names the change set (`retired_by`), so compensation can put it back: a
 * version retired by a change set may be enacted again, and only by that change set's revert. A revert run's plan
 * names the change set it reverts.
 */
export const migration009 = {
  version: 9,
  name: 'actions-retirements',
  sql: /* sql */ `
ALTER TABLE cutter.iu_versions ADD COLUMN IF NOT EXISTS retired_by text;
ALTER TABLE cutter.iu_snapshots ADD COLUMN IF NOT EXISTS retired_by text;
ALTER TABLE cutter.pinned_plan_rows ADD COLUMN IF NOT EXISTS action text CHECK (action IN ('new', 'changed', 'retire'));
ALTER TABLE cutter.run_plan_rows ADD COLUMN IF NOT EXISTS action text CHECK (action IN ('new', 'changed', 'retire'));
-- A revert run's plan names the change set it reverts (its Leg B records a revert of it), wherever the plan is kept.
ALTER TABLE cutter.pinned_plans ADD COLUMN IF NOT EXISTS reverts text;
ALTER TABLE cutter.runs ADD COLUMN IF NOT EXISTS plan_reverts text;

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
  IF NEW.title IS DISTINCT FROM OLD.title OR NEW.body IS DISTINCT FROM OLD.body OR NEW.content_hash IS DISTINCT FROM OLD.content_hash THEN
    RAISE EXCEPTION 'IU content is immutable (% v%)', OLD.address, OLD.version USING ERRCODE = 'check_violation';
  END IF;
  NEW.updated_at := now();
  RETURN NEW;
END $fn$;

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
  RETURN QUERY
    UPDATE cutter.iu_versions v SET status = 'enacted', retired_by = NULL
    WHERE v.retired_by = p_change_set_id AND v.status = 'retired'
    RETURNING 'restore'::text, v.address, v.version;
END $fn$;

DO $grants$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cutter_exec') THEN
    GRANT UPDATE (retired_by) ON cutter.iu_versions TO cutter_exec;
  END IF;
END $grants$;
`,
} as const;
