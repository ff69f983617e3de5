import { ROW_LIMITS_SQL } from '../sql/row-limits.js';

/**
 * Migration 11: the plan-row limits (address pattern and length, title and body sizes, source length) as CHECK
 * constraints on every table that stores plan rows: `cutter.iu_versions`, `cutter.run_plan_rows` and
 * `cutter.pinned_plan_rows`. Planning and run creation refuse such rows first; these hold for every writer, a host's
 * own adapter or a direct INSERT included. Generated from `src/domain/limits.ts` (see `sql/row-limits.ts`).
 * Idempotent: each constraint is added only if missing (pg_constraint), then validated; rows already there that break
 * a limit are kept, and the constraint stays NOT VALID on that table (new rows are still checked), with a warning.
 */
export const migration011 = {
  version: 11,
  name: 'row-limits',
  sql: ROW_LIMITS_SQL,
} as const;
