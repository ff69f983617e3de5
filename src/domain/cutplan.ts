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

/** The refusal of a plan with more than {@link PlanLimits.maxRows} rows: the same words wherever it is counted. */
export function tooManyRows(): PlanInvalid {
  return new PlanInvalid([{ row: undefined, field: 'rows', message: `must contain at most ${PlanLimits.maxRows} rows` }]);
}

/**
 * Plans {@link validateCutplan} returned. Such a plan is frozen all the way down (the plan, its rows, each row), so it
 * cannot have changed since: {@link revalidateCutplan} takes it as it is instead of validating 100k rows again.
 */
const validatedPlans = new WeakSet<object>();

/**
 * Validates rows as a caller gave them (parsed JSON, NDJSON lines, or the Markdown cutter's output) and returns a
 * frozen cutplan. Every problem is collected, each naming its row and field; any problem throws {@link PlanInvalid}.
 * A supplied `contentHash` must match the content.
 */
export function validateCutplan(rows: unknown, options: { readonly reverts?: string } = {}): Cutplan {
  if (!Array.isArray(rows)) throw new PlanInvalid([{ row: undefined, field: 'rows', message: 'must be an array of rows' }]);
  if (rows.length === 0) throw new PlanInvalid([{ row: undefined, field: 'rows', message: 'must contain at least one row' }]);
  if (rows.length > PlanLimits.maxRows) throw tooManyRows();
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
    const checked = validateRow(raw, index);
    for (const issue of checked.issues) issues.push(issue);
    if (checked.row !== undefined) valid.push(checked.row);
  });
  // A plan is classified against a target as a whole, or not at all: a mix could not say what it does.
  const classified = valid.filter((r) => r.action !== undefined).length;
  if (classified > 0 && classified < valid.length) {
    const first = valid.findIndex((r) => r.action === undefined);
    issues.push({ row: first, field: 'action', message: 'some rows carry an action and this one does not: a plan is classified against a target as a whole (cutter plan)' });
  }
  if (issues.length > 0) throw new PlanInvalid(issues);
  const plan: Cutplan = Object.freeze({ rows: Object.freeze(valid), ...(options.reverts === undefined ? {} : { reverts: options.reverts }) });
  validatedPlans.add(plan);
  return plan;
}

/**
 * One row as {@link validateCutplan} checks it (all but what needs the other rows: duplicates, the action rule): the
 * frozen row with its content hash, when its fields are valid (it may still have a contentHash issue), and its
 * issues, numbered `index`. For a planner that validates rows as they stream past instead of holding them.
 */
export function validateRow(raw: unknown, index: number): { readonly row?: IURow; readonly issues: PlanIssue[] } {
  const parsed = IURowSchema.safeParse(raw);
  if (!parsed.success) return { issues: parsed.error.issues.map((issue) => ({ row: index, field: fieldOfIssue(issue, 'row'), message: issue.message })) };
  const { address, title, body, source, action } = parsed.data;
  const contentHash = contentHashOf(title, body);
  const issues: PlanIssue[] = parsed.data.contentHash !== undefined && parsed.data.contentHash !== contentHash
    ? [{ row: index, field: 'contentHash', message: `does not match the title and body (expected ${contentHash})` }]
    : [];
  return { row: Object.freeze({ address, title, body, contentHash, ...(source === undefined ? {} : { source }), ...(action === undefined ? {} : { action }) }), issues };
}

/**
 * A plan as a library caller handed it over, validated whatever its static type says (a `Cutplan` may be built by
 * hand, cast, or come from JSON): with {@link validateCutplan}'s rules and errors, so a run refuses exactly what
 * planning refuses. A plan validateCutplan returned is returned as it is. The result is the plan the run must use: its
 * rows are frozen copies, with their content hashes computed.
 *
 * @throws {PlanInvalid} naming the field (`plan`, `reverts`, `rows`) or each bad row and field.
 */
export function revalidateCutplan(plan: unknown): Cutplan {
  if (typeof plan === 'object' && plan !== null && validatedPlans.has(plan)) return plan as Cutplan;
  if (typeof plan !== 'object' || plan === null || Array.isArray(plan)) {
    throw new PlanInvalid([{ row: undefined, field: 'plan', message: `must be a cutplan { rows: [...] }, not ${plan === null ? 'null' : Array.isArray(plan) ? 'an array' : typeof plan} (build one with planFromRows)` }]);
  }
  const { rows, reverts } = plan as { rows?: unknown; reverts?: unknown };
  if (reverts !== undefined && (typeof reverts !== 'string' || reverts.trim() === '' || reverts.includes('\u0000'))) {
    throw new PlanInvalid([{ row: undefined, field: 'reverts', message: 'must be the id of the change set the plan reverts, or absent' }]);
  }
  return validateCutplan(rows, reverts === undefined ? {} : { reverts });
}
