/**
 * Migration 5: the run store. Runs live in the target database so that any Cutter process (or host app) can pick
 * up a parked run: its plan, its persisted statechart snapshot (with the snapshot format's version), and the journal
 * of every event it received.
 */
export const migration005 = {
  version: 5,
  name: 'run-store',
  sql: /* sql */ `
CREATE TABLE IF NOT EXISTS cutter.runs (
  run_id            text PRIMARY KEY,
  mode              text NOT NULL CHECK (mode IN ('DRYRUN', 'LIVE')),
  initiator         text NOT NULL,
  plan_hash         text NOT NULL,
  state             text NOT NULL,
  status            text NOT NULL,
  snapshot          jsonb,
  snapshot_version  integer NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS cutter.run_plans (
  run_id   text PRIMARY KEY REFERENCES cutter.runs (run_id),
  rows     jsonb NOT NULL
);
CREATE TABLE IF NOT EXISTS cutter.run_journal (
  run_id   text NOT NULL REFERENCES cutter.runs (run_id),
  seq      integer NOT NULL,
  event    jsonb NOT NULL,
  at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, seq)
);
`,
} as const;
