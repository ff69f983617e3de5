import { validateCutplan, type Cutplan } from '../domain/cutplan.js';
import type { IURow } from '../domain/iu.js';
import { InvalidInput, PlanConflict } from '../errors/index.js';
import { schemaVersionOf } from './migrations/index.js';
import { DbRole, type ConnectionProvider } from './port.js';
import { classifyRows, type AddressState, type ClassifiedAddress } from './sql/classify-plan.js';

/** What planning found against the target: the exact change set, and what it leaves alone. */
export interface ClassifiedPlan {
  /** The change set to run: the new, changed and retired rows, each with its action; null when nothing changes. */
  readonly plan: Cutplan | null;
  /** Every address the sources name, then every retirement, with its action and version. */
  readonly addresses: readonly ClassifiedAddress[];
  readonly counts: { readonly new: number; readonly changed: number; readonly retire: number; readonly unchanged: number };
  /** What the target holds at the plan's addresses: a DRYRUN predicts versions and supersessions from it. */
  readonly target: ReadonlyMap<string, AddressState>;
}

export interface ClassifyOptions {
  /**
   * Address prefixes (a document id such as `handbook`, or a deeper path) within which enacted addresses the sources no
   * longer name are retired. Empty (the default): nothing is retired.
   */
  readonly retireMissingWithin?: readonly string[];
}

/**
 * Plans `sources` against the target, read-only: each address is `new`, `changed` (a new version superseding the
 * enacted one), `unchanged` (left out) or, within `retireMissingWithin`, `retire` (an enacted address the sources no
 * longer name). Set-based: the keys are staged by COPY and classified in one statement, in a transaction that always
 * rolls back, as `cutter_verify`. A target without the cutter schema holds nothing: every address is new.
 *
 * @throws {@link PlanConflict} naming every address with an open draft of another change set.
 *
 * @example
 * const classified = await classifyPlan(target.provider, planFromMarkdown(docs), { retireMissingWithin: ['handbook'] });
 * if (classified.plan === null) logger.info('nothing to change');
 */
export async function classifyPlan(provider: ConnectionProvider, sources: Cutplan, options: ClassifyOptions = {}): Promise<ClassifiedPlan> {
  if (typeof provider !== 'function') throw new InvalidInput('provider', 'must be a connection provider (role) => session, e.g. openTarget(...).provider');
  if (typeof sources !== 'object' || sources === null || !Array.isArray((sources as { rows?: unknown }).rows)) {
    throw new InvalidInput('sources', 'must be a cutplan ({ rows }) from a planning function');
  }
  const session = await provider(DbRole.Verify);
  let broken = false;
  try {
    await session.query('BEGIN');
    try {
      if ((await schemaVersionOf(session)) === 0) return assembleClassifiedPlan(sources.rows, sources.rows.map((r) => ({ address: r.address, action: 'new', version: 1 })), [], new Map());
      const found = await classifyRows(session, sources.rows, options.retireMissingWithin ?? []);
      if (found.conflicts.length > 0) throw new PlanConflict(found.conflicts);
      return assembleClassifiedPlan(sources.rows, found.addresses, found.retire, found.target);
    } finally {
      await session.query('ROLLBACK');
    }
  } catch (error) {
    broken = true;
    throw error;
  } finally {
    await session.release(broken);
  }
}

/**
 * A classified plan from its parts: the source rows and their classification (same order), the retirements, what the
 * target holds; `reverts` for a revert run's plan. Unchanged rows are left out of the plan.
 */
export function assembleClassifiedPlan(
  rows: readonly IURow[],
  addresses: readonly ClassifiedAddress[],
  retire: readonly (IURow & { version: number })[],
  target: ReadonlyMap<string, AddressState>,
  reverts?: string,
): ClassifiedPlan {
  const planned: IURow[] = [];
  rows.forEach((row, i) => {
    const action = addresses[i]?.action;
    if (action === 'new' || action === 'changed') planned.push({ ...row, action });
  });
  const retirements = retire.map(({ version: _version, ...row }) => row);
  const all = [...addresses, ...retire.map((r) => ({ address: r.address, action: 'retire' as const, version: r.version }))];
  const count = (action: ClassifiedAddress['action']) => all.filter((a) => a.action === action).length;
  const changes = [...planned, ...retirements];
  return {
    plan: changes.length === 0 ? null : validateCutplan(changes.map(({ address, title, body, source, action }) => ({ address, title, body, action, ...(source === undefined ? {} : { source }) })), reverts === undefined ? {} : { reverts }),
    addresses: all,
    counts: { new: count('new'), changed: count('changed'), retire: count('retire'), unchanged: count('unchanged') },
    target,
  };
}
