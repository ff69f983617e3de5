import { randomUUID } from 'node:crypto';
import type { OpenTarget } from '../../postgres/open-target.js';
import { readKillSwitchForUpdate, restoreKillSwitchIfUnchanged, writeKillSwitchRow, type KillSwitchRow } from '../../postgres/sql/kill-switch-row.js';
import { withinTransaction } from '../../postgres/transaction.js';

/** Who the demo says set the switch, when it sets it. */
export const DEMO_CHANGED_BY = 'cutter demo';

/**
 * What the demo did to the target's kill switch, so that it can undo exactly that and nothing else. `set` is null
 * when the switch was ON already: the operator's switch, left as it is.
 */
export interface DemoKillSwitch {
  readonly previous: KillSwitchRow | null;
  readonly set: KillSwitchRow | null;
}

/** How the switch was left when the demo ended: untouched (it was ON, or has no row), put back, or left to whoever changed it since. */
export type DemoKillSwitchEnd = 'untouched' | 'restored' | 'changed-by-someone-else';

/**
 * Turns the database kill switch ON for the demo's LIVE run, if it is OFF; reads and writes in one transaction with
 * the row locked, so nobody's change falls between. The demo's own reason carries a token of this run, so that
 * {@link giveBackKillSwitch} can tell its own write from anyone else's.
 */
export async function takeKillSwitch(target: Pick<OpenTarget, 'admin'>): Promise<DemoKillSwitch> {
  return target.admin((session) => withinTransaction(session, async () => {
    const previous = await readKillSwitchForUpdate(session);
    if (previous === null || previous.enabled) return { previous, set: null };
    const { rows } = await session.query<{ now: string }>('SELECT now()::text AS now');
    const set: KillSwitchRow = {
      enabled: true,
      changedBy: DEMO_CHANGED_BY,
      reason: `demo LIVE run ${randomUUID()}; the switch goes back to OFF (${previous.changedBy}: ${previous.reason}) when it ends`,
      changedAt: rows[0]?.now ?? new Date().toISOString(),
    };
    await writeKillSwitchRow(session, set);
    return { previous, set };
  }));
}

/**
 * Undoes {@link takeKillSwitch}: puts back the previous state, who, why and when, if (and only if) the switch still
 * reads what the demo wrote. A switch that was ON is never touched; one someone changed meanwhile keeps their change.
 */
export async function giveBackKillSwitch(target: Pick<OpenTarget, 'admin'>, taken: DemoKillSwitch): Promise<DemoKillSwitchEnd> {
  const { previous, set } = taken;
  if (set === null || previous === null) return 'untouched';
  const restored = await target.admin((session) => restoreKillSwitchIfUnchanged(session, set, previous));
  return restored ? 'restored' : 'changed-by-someone-else';
}
