import type { IURow, RowAction } from '../../domain/iu.js';
import type { DbSession } from '../port.js';
import { stageRows, type StageTable } from './stage.js';

/** What the target holds at one address: its newest version (0: none), and its enacted version, if any. */
export interface AddressState {
  readonly latestVersion: number;
  readonly enactedVersion: number | null;
}

/** One address as planning found it: the action, and the version the run writes (or retires). */
export interface ClassifiedAddress {
  readonly address: string;
  readonly action: RowAction | 'unchanged';
  /** The version the cut writes (new, changed), the enacted version a retirement retires, or the unchanged one. */
  readonly version: number;
  /** The enacted version a change supersedes. */
  readonly supersedes?: number;
}

/** An address with an open draft of another change set: planning must not go on past it. */
export interface PlanConflictRow {
  readonly address: string;
  readonly changeSetId: string;
  readonly version: number;
}

/** Where planning stages the plan's keys, in its own transaction (which always rolls back). */
const CLASSIFY_STAGE: StageTable = { name: 'cutter_classify_stage', columns: [['ord', 'integer'], ['address', 'text'], ['content_hash', 'text']] };

/**
 * Every staged address against the target in one statement, by exception: an address with no version at all (new, at
 * version 1: a first load) does not come back. `enacted` is the one enacted version, `latest` the newest of any status.
 * One hash join of the stage with the versions (a sequential read of the table, as a read of its addresses is) and an
 * aggregate per staged row: per-address index probes (LATERAL) cost 20 µs each, 2 s per 100k addresses, and a
 * DISTINCT ON over the join is misestimated (the planner guesses 200 rows) into nested loops over whole tables. The
 * open draft's change set is looked up only for a conflict, which is rare.
 */
export const CLASSIFY_SQL = /* sql */ `
SELECT a.ord, a.latest, a.enacted,
  CASE WHEN a.draft = a.latest THEN (SELECT v.change_set_id FROM cutter.iu_versions v WHERE v.address = a.address AND v.version = a.latest) END AS change_set_id,
  CASE WHEN a.draft = a.latest THEN 'conflict'
       WHEN a.enacted IS NULL THEN 'new'
       WHEN a.same THEN 'unchanged'
       ELSE 'changed' END AS action
FROM (
  SELECT s.ord, min(s.address) AS address, max(v.version) AS latest,
    max(v.version) FILTER (WHERE v.status = 'enacted') AS enacted,
    bool_or(v.status = 'enacted' AND v.content_hash = s.content_hash) AS same,
    max(v.version) FILTER (WHERE v.status = 'draft') AS draft
  FROM cutter_classify_stage s JOIN cutter.iu_versions v ON v.address = s.address
  GROUP BY s.ord
) a`;

/** Enacted versions within the given address prefixes that the plan does not name: what `--retire-missing` retires. */
export const MISSING_SQL = /* sql */ `
SELECT v.address, v.version, v.title, v.body, v.content_hash
FROM cutter.iu_versions v
WHERE v.status = 'enacted'
  AND EXISTS (SELECT 1 FROM unnest($1::text[]) AS p (prefix) WHERE v.address = p.prefix OR starts_with(v.address, p.prefix || '/'))
  AND NOT EXISTS (SELECT 1 FROM cutter_classify_stage s WHERE s.address = v.address)
ORDER BY v.address COLLATE "C"`;

/**
 * Classifies a plan's rows against the target, set-based (the keys staged by COPY, one statement), in a transaction
 * the caller rolls back. Returns each address's action and version, the enacted versions to retire within
 * `retireWithin`, the open drafts of other change sets (conflicts), and what the target holds at each address.
 */
export async function classifyRows(
  session: DbSession,
  rows: readonly IURow[],
  retireWithin: readonly string[],
): Promise<{ addresses: ClassifiedAddress[]; retire: (IURow & { version: number })[]; conflicts: PlanConflictRow[]; target: Map<string, AddressState> }> {
  await stageRows(session, CLASSIFY_STAGE, rows, (r, ord) => [ord, r.address, r.contentHash], 10_000, () => undefined);
  const { rows: found } = await session.query<{ ord: number; latest: number; enacted: number | null; change_set_id: string; action: RowAction | 'unchanged' | 'conflict' }>(CLASSIFY_SQL);
  const addresses: ClassifiedAddress[] = rows.map((r) => ({ address: r.address, action: 'new', version: 1 }));
  const conflicts: PlanConflictRow[] = [];
  const target = new Map<string, AddressState>();
  for (const f of found) {
    const address = rows[f.ord]?.address ?? '';
    target.set(address, { latestVersion: f.latest, enactedVersion: f.enacted });
    if (f.action === 'conflict') conflicts.push({ address, changeSetId: f.change_set_id, version: f.latest });
    else if (f.action === 'unchanged') addresses[f.ord] = { address, action: 'unchanged', version: f.enacted ?? f.latest };
    else addresses[f.ord] = { address, action: f.action, version: f.latest + 1, ...(f.enacted === null ? {} : { supersedes: f.enacted }) };
  }
  const retire = retireWithin.length === 0 ? [] : (await session.query<{ address: string; version: number; title: string; body: string; content_hash: string }>(MISSING_SQL, [[...retireWithin]])).rows
    .map((r) => ({ address: r.address, version: r.version, title: r.title, body: r.body, contentHash: r.content_hash, action: 'retire' as const }));
  for (const r of retire) target.set(r.address, { latestVersion: r.version, enactedVersion: r.version });
  return { addresses, retire, conflicts, target };
}
