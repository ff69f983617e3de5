/**
 * Migration 6: a run's plan stored as rows (one per IU, loaded by COPY a chunk at a time) instead of one jsonb value,
 * so storing a 100k-row plan never builds a 100 MB JSON string in the client or parses one in the server. Runs
 * stored before this migration keep their plan in cutter.run_plans, which is still read.
 */
export const migration006 = {
  version: 6,
  name: 'run-plan-rows',
  sql: /* sql */ `
CREATE TABLE IF NOT EXISTS cutter.run_plan_rows (
  run_id   text NOT NULL REFERENCES cutter.runs (run_id),
  ord      integer NOT NULL,
  address  text NOT NULL,
  title    text NOT NULL,
  body     text NOT NULL,
  source   text,
  PRIMARY KEY (run_id, ord)
);
`,
} as const;
