/**
 * Migration 8: one writer per run, write-once pins, and a ledger head.
 * - `cutter.run_holds`: the process that acts on a run holds it (a token, who, which command, until when) for the
 *   whole command. The run store's writes are fenced on the token, and every phase checks it inside its own
 *   transaction (`fn_assert_run_hold`, which also keeps a thief from taking the hold until the phase commits).
 * - A pinned plan is write-once for everyone, its owner included: an UPDATE or DELETE of a pin is refused, naming it.
 * - `cutter.ledger_head`: the newest ledger record's sequence and hash, kept by a trigger in the writer's own
 *   transaction, so removing the ledger's tail is seen by `cutter ledger verify` (the phase roles cannot write it).
 */
export const migration008 = {
  version: 8,
  name: 'holds-pins-ledger-head',
  sql: /* sql */ `
CREATE TABLE IF NOT EXISTS cutter.run_holds (
  run_id      text PRIMARY KEY,
  token       text NOT NULL,
  pid         integer NOT NULL,
  host        text NOT NULL,
  command     text NOT NULL,
  since       timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL
);
REVOKE ALL ON cutter.run_holds FROM PUBLIC;

-- Inside a phase's transaction: the run must be held with this token. FOR SHARE keeps another process from taking the
-- hold (an UPDATE) until the phase has committed or rolled back.
CREATE OR REPLACE FUNCTION cutter.fn_assert_run_hold(p_run_id text, p_token text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
  holder text;
BEGIN
  PERFORM 1 FROM cutter.run_holds WHERE run_id = p_run_id AND token = p_token FOR SHARE;
  IF NOT FOUND THEN
    SELECT format('pid %s on %s (%s, since %s, until %s)', pid, host, command, since, expires_at) INTO holder
      FROM cutter.run_holds WHERE run_id = p_run_id;
    RAISE EXCEPTION 'run % is not held by this process: %', p_run_id, coalesce('held by ' || holder, 'no process holds it')
      USING ERRCODE = 'CR001';
  END IF;
END $fn$;
REVOKE ALL ON FUNCTION cutter.fn_assert_run_hold(text, text) FROM PUBLIC;

CREATE OR REPLACE FUNCTION cutter.tg_pin_write_once() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  -- Separate statements: a plpgsql expression naming OLD.ord fails on pinned_plans, which has no such column.
  IF TG_TABLE_NAME = 'pinned_plan_rows' THEN
    RAISE EXCEPTION 'a pinned plan is write-once: % of run % refused (row %, %)', TG_OP, OLD.run_id, OLD.ord, OLD.address
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RAISE EXCEPTION 'a pinned plan is write-once: % of run % refused', TG_OP, OLD.run_id USING ERRCODE = 'insufficient_privilege';
END $fn$;
DROP TRIGGER IF EXISTS pinned_plans_write_once ON cutter.pinned_plans;
CREATE TRIGGER pinned_plans_write_once BEFORE UPDATE OR DELETE ON cutter.pinned_plans
  FOR EACH ROW EXECUTE FUNCTION cutter.tg_pin_write_once();
DROP TRIGGER IF EXISTS pinned_plan_rows_write_once ON cutter.pinned_plan_rows;
CREATE TRIGGER pinned_plan_rows_write_once BEFORE UPDATE OR DELETE ON cutter.pinned_plan_rows
  FOR EACH ROW EXECUTE FUNCTION cutter.tg_pin_write_once();

CREATE TABLE IF NOT EXISTS cutter.ledger_head (
  singleton    boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  seq          bigint NOT NULL,
  record_hash  text NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON cutter.ledger_head FROM PUBLIC;
INSERT INTO cutter.ledger_head (seq, record_hash)
  SELECT seq, record_hash FROM cutter.ledger ORDER BY seq DESC LIMIT 1
  ON CONFLICT (singleton) DO NOTHING;

-- Moves the head to each new record, in the transaction that appends it; never backwards.
CREATE OR REPLACE FUNCTION cutter.tg_ledger_head() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
  INSERT INTO cutter.ledger_head AS h (singleton, seq, record_hash, updated_at) VALUES (true, NEW.seq, NEW.record_hash, now())
  ON CONFLICT (singleton) DO UPDATE SET seq = EXCLUDED.seq, record_hash = EXCLUDED.record_hash, updated_at = now()
    WHERE h.seq < EXCLUDED.seq;
  RETURN NULL;
END $fn$;
DROP TRIGGER IF EXISTS ledger_moves_head ON cutter.ledger;
CREATE TRIGGER ledger_moves_head AFTER INSERT ON cutter.ledger FOR EACH ROW EXECUTE FUNCTION cutter.tg_ledger_head();

DO $grants$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cutter_exec') THEN
    GRANT EXECUTE ON FUNCTION cutter.fn_assert_run_hold(text, text) TO cutter_exec, cutter_verify;
  END IF;
END $grants$;
`,
} as const;
