import { contentHashOf, type IURow } from '../domain/iu.js';
import { CutterError, ErrorCode, InvalidInput, PlanConflict } from '../errors/index.js';
import { assembleClassifiedPlan, type ClassifiedPlan } from './classify.js';
import { DbRole, type ConnectionProvider, type DbSession } from './port.js';
import { classifyRows } from './sql/classify-plan.js';

/** A later change set has touched addresses a revert would undo: reverting out of order must be asked for. */
export class RevertOutOfOrder extends CutterError {
  readonly code = ErrorCode.RevertOutOfOrder;
  readonly hint = 'Revert the later change sets first, or pass --out-of-order to overwrite what they did at these addresses (the plan shows what it overwrites).';
  readonly addresses: readonly string[];

  constructor(changeSetId: string, addresses: readonly string[]) {
    super(`a later change set has touched ${addresses.length} address(es) that reverting ${changeSetId} would undo: ${addresses.slice(0, 10).join(', ')}${addresses.length > 10 ? ` and ${addresses.length - 10} more` : ''}`);
    this.addresses = Object.freeze([...addresses]);
  }
}

interface VersionRow { address: string; version: number; status: string; title: string; body: string; content_hash: string }

/** What the revert of a completed change set does, as a plan: the inverse of what it did, and what it overwrites. */
export interface RevertPlan extends ClassifiedPlan {
  /** Addresses a later change set touched since (reverted only when asked for, overwriting what is there now). */
  readonly touchedLater: readonly string[];
}

/**
 * Plans the revert of a completed change set as a governed run's change set, read-only: retire what it made new,
 * bring back (as a new version) the content it superseded, and bring back what it retired. The plan names the change
 * set it reverts, so its run records a `revert` of it in the ledger. If a later change set has touched any of those
 * addresses, the revert is refused naming them, unless `outOfOrder`: then it overwrites what is there now.
 *
 * @throws {@link RevertOutOfOrder}; {@link InvalidInput} for a change set that is unknown or not completed (a run that
 *   did not complete is undone by its compensation at SG_3); {@link PlanConflict} if another run has drafts there.
 */
export async function planRevert(provider: ConnectionProvider, changeSetId: string, options: { readonly outOfOrder?: boolean } = {}): Promise<RevertPlan> {
  const session = await provider(DbRole.Verify);
  let broken = false;
  try {
    await session.query('BEGIN');
    try {
      return await planRevertIn(session, changeSetId, options.outOfOrder === true);
    } finally {
      await session.query('ROLLBACK');
    }
  } catch (error) {
    broken = !(error instanceof CutterError);
    throw error;
  } finally {
    await session.release(broken);
  }
}

async function planRevertIn(session: DbSession, changeSetId: string, outOfOrder: boolean): Promise<RevertPlan> {
  const known = await session.query('SELECT 1 FROM cutter.change_sets WHERE change_set_id = $1', [changeSetId]);
  if (known.rows.length === 0) throw new InvalidInput('change-set', `no change set ${changeSetId} in this target (cutter log lists them)`);
  const versions = async (where: string) => (await session.query<VersionRow>(
    `SELECT address, version, status, title, body, content_hash FROM cutter.iu_versions WHERE ${where} ORDER BY address COLLATE "C", version`, [changeSetId],
  )).rows;
  const own = await versions('change_set_id = $1');
  if (own.some((v) => v.status === 'draft')) {
    throw new InvalidInput('change-set', `${changeSetId} has not been enacted (its drafts still wait): a run that did not complete is undone by its compensation at SG_3, not by a revert`);
  }
  const superseded = new Map((await versions('superseded_by = $1')).map((v) => [v.address, v]));
  const retiredByIt = await versions('retired_by = $1');
  const enactedNow = new Map((await session.query<VersionRow>(
    "SELECT address, version, status, title, body, content_hash FROM cutter.iu_versions WHERE status = 'enacted' AND address = ANY ($1::text[])",
    [[...own.map((v) => v.address), ...retiredByIt.map((v) => v.address)]],
  )).rows.map((v) => [v.address, v]));

  const touchedLater: string[] = [];
  const restore: IURow[] = [];
  const retire: (IURow & { version: number })[] = [];
  const row = (v: VersionRow): IURow => ({ address: v.address, title: v.title, body: v.body, contentHash: contentHashOf(v.title, v.body) });
  for (const v of own) {
    const now = enactedNow.get(v.address);
    // The change set's version is still the enacted one; or, retired in its own compensation, there is nothing to undo.
    if (v.status === 'retired' && now === undefined && !superseded.has(v.address)) continue;
    if (now?.version !== v.version) touchedLater.push(v.address);
    const before = superseded.get(v.address);
    if (before !== undefined) restore.push(row(before));
    else if (now !== undefined) retire.push({ ...row(now), action: 'retire', version: now.version });
  }
  for (const u of retiredByIt) {
    const now = enactedNow.get(u.address);
    if (now !== undefined) touchedLater.push(u.address);
    restore.push(row(u));
  }
  if (touchedLater.length > 0 && !outOfOrder) throw new RevertOutOfOrder(changeSetId, touchedLater);

  const found = await classifyRows(session, restore, []);
  if (found.conflicts.length > 0) throw new PlanConflict(found.conflicts);
  for (const r of retire) found.target.set(r.address, { latestVersion: r.version, enactedVersion: r.version });
  return { ...assembleClassifiedPlan(restore, found.addresses, retire, found.target, changeSetId), touchedLater };
}
