/**
 * Migration 1: the `cutter` schema. Tables for IU versions and their lifecycle log, change sets, the hash-chained
 * governance ledger, verification results, per-phase records, backups, and the kill-switch row; the functions the
 * adapter calls. Written so that applying it twice is harmless (the runner also records the version).
 */
export const migration001 = {
  version: 1,
  name: 'schema',
  sql: /* sql */ `
CREATE SCHEMA IF NOT EXISTS cutter;

CREATE TABLE IF NOT EXISTS cutter.iu_versions (
  id                 bigserial PRIMARY KEY,
  address            text NOT NULL,
  version            integer NOT NULL CHECK (version > 0),
  title              text NOT NULL CHECK (length(btrim(title)) > 0),
  body               text NOT NULL CHECK (length(btrim(body)) > 0),
  content_hash       text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
  status             text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'enacted', 'superseded', 'retired')),
  change_set_id      text NOT NULL,
  review_decision_id text,
  superseded_by      text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (address, version)
);
-- At most one enacted version per address.
CREATE UNIQUE INDEX IF NOT EXISTS iu_versions_one_enacted ON cutter.iu_versions (address) WHERE status = 'enacted';
CREATE INDEX IF NOT EXISTS iu_versions_by_change_set ON cutter.iu_versions (change_set_id);

CREATE TABLE IF NOT EXISTS cutter.lifecycle_log (
  id               bigserial PRIMARY KEY,
  iu_id            bigint NOT NULL,
  address          text NOT NULL,
  version          integer NOT NULL,
  from_status      text,
  to_status        text NOT NULL,
  change_set_id    text NOT NULL,
  acting_change_set text,
  tx_id            bigint NOT NULL DEFAULT txid_current(),
  at               timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS lifecycle_log_by_tx ON cutter.lifecycle_log (tx_id);

-- Allowed lifecycle moves: draft → enacted | retired; enacted → superseded | retired; superseded → enacted (revert)
-- | retired. Anything else is a bug somewhere, refused here whoever issued it.
CREATE OR REPLACE FUNCTION cutter.tg_iu_check_transition() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
       (OLD.status = 'draft' AND NEW.status IN ('enacted', 'retired'))
    OR (OLD.status = 'enacted' AND NEW.status IN ('superseded', 'retired'))
    OR (OLD.status = 'superseded' AND NEW.status IN ('enacted', 'retired'))
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
DROP TRIGGER IF EXISTS iu_versions_check_transition ON cutter.iu_versions;
CREATE TRIGGER iu_versions_check_transition BEFORE UPDATE ON cutter.iu_versions
  FOR EACH ROW EXECUTE FUNCTION cutter.tg_iu_check_transition();

-- Every status change (and every new draft) is logged, whoever makes it.
CREATE OR REPLACE FUNCTION cutter.tg_iu_log_status() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status THEN
    INSERT INTO cutter.lifecycle_log (iu_id, address, version, from_status, to_status, change_set_id, acting_change_set)
    VALUES (NEW.id, NEW.address, NEW.version, CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.status END, NEW.status,
            NEW.change_set_id, nullif(current_setting('cutter.acting_change_set', true), ''));
  END IF;
  RETURN NULL;
END $fn$;
DROP TRIGGER IF EXISTS iu_versions_log_status ON cutter.iu_versions;
CREATE TRIGGER iu_versions_log_status AFTER INSERT OR UPDATE OF status ON cutter.iu_versions
  FOR EACH ROW EXECUTE FUNCTION cutter.tg_iu_log_status();

CREATE TABLE IF NOT EXISTS cutter.change_sets (
  change_set_id  text PRIMARY KEY,
  plan_hash      text NOT NULL CHECK (plan_hash ~ '^[0-9a-f]{64}$'),
  row_count      integer NOT NULL CHECK (row_count > 0),
  run_id         text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);

-- The governance ledger: append-only, each record chained to the previous one by hash.
CREATE TABLE IF NOT EXISTS cutter.ledger (
  seq            bigserial PRIMARY KEY,
  kind           text NOT NULL CHECK (kind IN ('change-set', 'revert', 'kill-switch')),
  change_set_id  text,
  payload        jsonb NOT NULL,
  prev_hash      text NOT NULL,
  record_hash    text NOT NULL UNIQUE,
  -- No two records may follow the same one: the chain cannot fork, even under a race.
  CONSTRAINT ledger_prev_hash_unique UNIQUE (prev_hash),
  recorded_at    timestamptz NOT NULL DEFAULT now()
);
CREATE OR REPLACE FUNCTION cutter.tg_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'the ledger is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $fn$;
DROP TRIGGER IF EXISTS ledger_append_only ON cutter.ledger;
CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON cutter.ledger
  FOR EACH ROW EXECUTE FUNCTION cutter.tg_ledger_append_only();

CREATE TABLE IF NOT EXISTS cutter.verify_results (
  id               bigserial PRIMARY KEY,
  run_id           text NOT NULL,
  change_set_id    text NOT NULL,
  ok               boolean NOT NULL,
  expected_count   integer NOT NULL,
  actual_count     integer NOT NULL,
  expected_digest  text NOT NULL,
  actual_digest    text NOT NULL,
  verified_at      timestamptz NOT NULL DEFAULT now()
);

-- One row per committed phase of a run, written in the phase's own transaction: a phase found here already
-- committed, and is replayed from its result rather than applied again.
CREATE TABLE IF NOT EXISTS cutter.phase_records (
  run_id         text NOT NULL,
  phase          text NOT NULL,
  change_set_id  text NOT NULL,
  result         jsonb NOT NULL,
  recorded_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, phase)
);

-- The kill switch as the database sees it: one row, OFF when created.
CREATE TABLE IF NOT EXISTS cutter.kill_switch (
  singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  enabled     boolean NOT NULL DEFAULT false,
  changed_by  text NOT NULL DEFAULT 'cutter init',
  reason      text NOT NULL DEFAULT 'created OFF',
  changed_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO cutter.kill_switch DEFAULT VALUES ON CONFLICT DO NOTHING;

-- Read by every phase inside its transaction. FOR SHARE makes turning the switch OFF wait for phases already past
-- the check, and every later phase see OFF. SECURITY DEFINER: the phase roles may read and lock, never flip it.
CREATE OR REPLACE FUNCTION cutter.fn_kill_switch_enabled() RETURNS boolean
  LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
  SELECT enabled FROM cutter.kill_switch WHERE singleton FOR SHARE
$fn$;

CREATE TABLE IF NOT EXISTS cutter.backups (
  backup_id      text PRIMARY KEY,
  run_id         text NOT NULL,
  change_set_id  text NOT NULL,
  kind           text NOT NULL CHECK (kind IN ('snapshot', 'pg_dump')),
  location       text NOT NULL,
  sha256         text NOT NULL,
  bytes          bigint NOT NULL,
  row_count      bigint NOT NULL,
  verified       boolean NOT NULL,
  taken_at       timestamptz NOT NULL DEFAULT now()
);
-- Written before its cutter.backups row (which carries the verified checksum), so no foreign key.
CREATE TABLE IF NOT EXISTS cutter.iu_snapshots (
  backup_id text NOT NULL,
  LIKE cutter.iu_versions
);
CREATE INDEX IF NOT EXISTS iu_snapshots_by_backup ON cutter.iu_snapshots (backup_id);
`,
} as const;
