import { quickLimitSql } from '../sql/row-limits.js';

/**
 * Migration 16: the title and source limits of the tables that hold plan rows (`cutter.pinned_plan_rows`, which
 * planning's pin fills, and `cutter.run_plan_rows`) in the expression migration 15 gave the IU table's title limit:
 * the same values accepted, but a title or source of at most N octets is not counted character by character (a
 * regexp_replace of about 6 µs a row, on a pin that costs about 12 µs a row; issue 17). Names, and so errors, unchanged.
 */
export const migration016 = {
  version: 16,
  name: 'quick-plan-row-limits',
  sql: ['pinned_plan_rows', 'run_plan_rows'].flatMap((table) => [quickLimitSql(table, 'title'), quickLimitSql(table, 'source')]).join('\n'),
} as const;
