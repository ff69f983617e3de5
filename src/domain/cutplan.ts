import { PlanInvalid, type PlanIssue } from '../errors/index.js';
import { contentHashOf, IURowSchema, type IURow } from './iu.js';
import { fieldOfIssue } from './issue-field.js';
import { PlanLimits } from './limits.js';

/** The non-mutating plan: the IU rows a run will create, each with its title and body. */
export interface Cutplan {
  readonly rows: readonly IURow[];
  /** For a revert run's plan: the change set it reverts (its Leg B records a revert of it). Covered by the plan hash. */
  readonly reverts?: string;
}

/**
 * Validates rows as a caller gave them (parsed JSON, NDJSON lines, or the Markdown cutter's output) and returns a
 * frozen cutplan. Every problem is collected, each naming its row and field; any problem throws {@link PlanInvalid}.
 * A supplied `contentHash` must match the content.
 */
export function validateCutplan(rows: unknown, options: { readonly reverts?: string } = {}): Cutplan {
  if (!Array.isArray(rows)) throw new PlanInvalid([{ row: undefined, field: 'rows', message: 'must be an array of rows' }]);
  if (rows.length === 0) throw new PlanInvalid([{ row: undefined, field: 'rows', message: 'must contain at least one row' }]);
  if (rows.length > PlanLimits.maxRows) {
    throw new PlanInvalid([{ row: undefined, field: 'rows', message: `must contain at most ${PlanLimits.maxRows} rows` }]);
  }
  const issues: PlanIssue[] = [];
  const valid: IURow[] = [];
  const firstSeenAt = new Map<string, number>();
  rows.forEach((raw: unknown, index) => {
    // Duplicates are reported even for rows with other problems, so one pass shows everything to fix.
    const rawAddress = typeof raw === 'object' && raw !== null ? (raw as { address?: unknown }).address : undefined;
    if (typeof rawAddress === 'string') {
      const earlier = firstSeenAt.get(rawAddress);
      if (earlier !== undefined) issues.push({ row: index, field: 'address', message: `duplicates row ${earlier} (${rawAddress})` });
      else firstSeenAt.set(rawAddress, index);
    }
    const parsed = IURowSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        issues.push({ row: index, field: fieldOfIssue(issue, 'row'), message: issue.message });
      }
      return;
    }
    const { address, title, body, source, action } = parsed.data;
    const contentHash = contentHashOf(title, body);
    if (parsed.data.contentHash !== undefined && parsed.data.contentHash !== contentHash) {
      issues.push({ row: index, field: 'contentHash', message: `does not match the title and body (expected ${contentHash})` });
    }
    valid.push(Object.freeze({ address, title, body, contentHash, ...(source === undefined ? {} : { source }), ...(action === undefined ? {} : { action }) }));
  });
  // A plan is classified against a target as a whole, or not at all: a mix could not say what it does.
  const classified = valid.filter((r) => r.action !== undefined).length;
  if (classified > 0 && classified < valid.length) {
    const first = valid.findIndex((r) => r.action === undefined);
    issues.push({ row: first, field: 'action', message: 'some rows carry an action and this one does not: a plan is classified against a target as a whole (cutter plan)' });
  }
  if (issues.length > 0) throw new PlanInvalid(issues);
  return Object.freeze({ rows: Object.freeze(valid), ...(options.reverts === undefined ? {} : { reverts: options.reverts }) });
}
