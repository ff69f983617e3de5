/**
 * Migration 7: plans pinned in the target. A LIVE run's planning phase stores its plan here, in its own transaction,
 * a row per IU (with the content hash and the blank flag the cut checks), so the rows cross the wire once: the cut
 * inserts them from here server-side, after checking each against the content hash recomputed from its title and
 * body and against the keys the run's process staged. A pin is written once (INSERT only, no UPDATE or DELETE for the
 * phase roles). The run store reads a LIVE run's plan from here, so `cutter.runs.plan_hash` may now be empty until
 * planning pinned it.
 */
export const migration007 = {
  version: 7,
  name: 'pinned-plans',
  sql: /* sql */ `
CREATE TABLE IF NOT EXISTS cutter.pinned_plans (
  run_id              text PRIMARY KEY,
  plan_hash           text NOT NULL CHECK (plan_hash ~ '^[0-9a-f]{64}$'),
  row_count           integer NOT NULL CHECK (row_count >= 0),
  target_fingerprint  text NOT NULL,
  fingerprint_at      timestamptz NOT NULL,
  pinned_at           timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS cutter.pinned_plan_rows (
  run_id        text NOT NULL,
  ord           integer NOT NULL,
  address       text NOT NULL,
  title         text NOT NULL,
  body          text NOT NULL,
  source        text,
  content_hash  text NOT NULL,
  blank         boolean NOT NULL,
  PRIMARY KEY (run_id, ord)
);
ALTER TABLE cutter.runs ALTER COLUMN plan_hash DROP NOT NULL;
GRANT SELECT, INSERT ON cutter.pinned_plans, cutter.pinned_plan_rows TO cutter_exec;
GRANT SELECT ON cutter.pinned_plans, cutter.pinned_plan_rows TO cutter_verify;
`,
} as const;
