/**
 * Migration 13 moved the lifecycle's checks into trigger WHEN conditions and its SG_2 check and status log to once
 * per statement (transition tables). These are the rules as the schema owner meets them in one statement over
 * several rows, on both targets: every rule still holds row by row, every move is logged once with where it came
 * from, and nothing of a refused statement remains.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbSession } from '../../src/postgres/port.js';
import { openTarget, TARGET_KINDS, type Target } from '../support/targets.js';

const draft = (address: string, version: number, changeSet: string) =>
  `INSERT INTO cutter.iu_versions (address, version, title, body, content_hash, change_set_id) VALUES ('${address}', ${version}, 't', 'b ${address} ${version}', repeat('0', 64), '${changeSet}');`;
const pass = (changeSet: string) => `INSERT INTO cutter.gate_passes (change_set_id, gate, run_id, review_decision_id) VALUES ('${changeSet}', 'SG_2', 'run', 'RD') ON CONFLICT DO NOTHING;`;

/** The error a statement fails with, in its own transaction (rolled back), or null. */
async function refusal(s: DbSession, sql: string): Promise<{ code: string; message: string } | null> {
  await s.query('BEGIN');
  try {
    await s.exec(sql);
    return null;
  } catch (error) {
    const e = error as { code?: string; message?: string };
    return { code: e.code ?? '', message: e.message ?? '' };
  } finally {
    await s.query('ROLLBACK');
  }
}

const statuses = async (s: DbSession) =>
  (await s.query<{ address: string; version: number; status: string }>('SELECT address, version, status FROM cutter.iu_versions ORDER BY address, version')).rows
    .map((r) => `${r.address} v${r.version} ${r.status}`);
const logRows = async (s: DbSession) =>
  (await s.query<{ address: string; from_status: string | null; to_status: string; acting_change_set: string | null }>(
    'SELECT address, from_status, to_status, acting_change_set FROM cutter.lifecycle_log WHERE from_status IS NOT NULL ORDER BY id')).rows
    .map((r) => `${r.address} ${r.from_status}->${r.to_status} by ${r.acting_change_set ?? '-'}`);

describe.each(TARGET_KINDS)('lifecycle rules, one statement over many rows, on %s', (kind) => {
  let target: Target;
  beforeAll(async () => { target = await openTarget(kind); }, 60_000);
  afterAll(async () => { await target.close(); });

  it('a statement enacting drafts of two change sets, one without an SG_2 pass, is refused whole, naming it', async () => {
    await target.reset();
    await target.admin(async (s) => {
      await s.exec(draft('kb/a', 1, 'cs-pass') + draft('kb/b', 1, 'cs-none') + pass('cs-pass'));
      const refused = await refusal(s, "UPDATE cutter.iu_versions SET status = 'enacted', review_decision_id = 'RD'");
      expect(refused).toMatchObject({ code: '23514', message: expect.stringMatching(/kb\/b v1: change set cs-none has no recorded SG_2 pass/) });
      expect(await statuses(s)).toEqual(['kb/a v1 draft', 'kb/b v1 draft']);
      expect(await logRows(s)).toEqual([]);
      // With its pass recorded, the same statement goes through.
      await s.exec(pass('cs-none'));
      await s.exec("UPDATE cutter.iu_versions SET status = 'enacted', review_decision_id = 'RD'");
      expect(await statuses(s)).toEqual(['kb/a v1 enacted', 'kb/b v1 enacted']);
    });
  });

  it('each row rule refuses the statement that breaks it for one row of many', async () => {
    await target.reset();
    await target.admin(async (s) => {
      await s.exec(draft('kb/a', 1, 'cs-1') + draft('kb/b', 1, 'cs-1') + pass('cs-1'));
      expect(await refusal(s, "UPDATE cutter.iu_versions SET status = 'superseded' WHERE address = 'kb/b'")).toMatchObject({ code: '23514', message: expect.stringMatching(/illegal lifecycle move draft -> superseded for kb\/b v1/) });
      expect(await refusal(s, "UPDATE cutter.iu_versions SET status = 'enacted', review_decision_id = CASE WHEN address = 'kb/b' THEN ' ' ELSE 'RD' END")).toMatchObject({ code: '23514', message: expect.stringMatching(/enacting kb\/b v1 needs a review decision id/) });
      expect(await refusal(s, "UPDATE cutter.iu_versions SET body = body || '!' WHERE address = 'kb/b'")).toMatchObject({ code: '23514', message: expect.stringMatching(/IU content is immutable \(kb\/b v1\)/) });
      expect(await refusal(s, "UPDATE cutter.iu_versions SET title = 'other'")).toMatchObject({ code: '23514', message: expect.stringMatching(/IU content is immutable/) });
      expect(await statuses(s)).toEqual(['kb/a v1 draft', 'kb/b v1 draft']);
      expect(await logRows(s)).toEqual([]);
    });
  });

  it('every move of a statement is logged once, from where it came, with the acting change set; updated_at is always the time of the move', async () => {
    await target.reset();
    await target.admin(async (s) => {
      await s.exec(draft('kb/a', 1, 'cs-1') + draft('kb/b', 1, 'cs-1') + pass('cs-1'));
      await s.exec("UPDATE cutter.iu_versions SET status = 'enacted', review_decision_id = 'RD', updated_at = '2000-01-01'");
      // Not a move: no log row, and still stamped.
      await s.exec("UPDATE cutter.iu_versions SET superseded_by = NULL, updated_at = '2000-01-01'");
      const stale = await s.query<{ n: string }>("SELECT count(*) AS n FROM cutter.iu_versions WHERE updated_at < now() - interval '1 day'");
      expect(Number(stale.rows[0]?.n)).toBe(0);
      // A newer change set supersedes kb/a through the enact function (its acting change set is logged).
      await s.exec(`${draft('kb/a', 2, 'cs-2')}
        INSERT INTO cutter.verify_results (run_id, change_set_id, ok, expected_count, actual_count, expected_digest, actual_digest) VALUES ('run-2', 'cs-2', true, 1, 1, 'd', 'd');`);
      const { rows } = await s.query('SELECT * FROM cutter.fn_enact_addresses($1, $2, $3, $4::text[])', ['cs-2', 'RD-2', 'run-2', ['kb/a']]);
      expect(rows).toEqual([{ ord: 0, version: 2, status: 'enacted' }]);
      expect(await statuses(s)).toEqual(['kb/a v1 superseded', 'kb/a v2 enacted', 'kb/b v1 enacted']);
      expect(await logRows(s)).toEqual(['kb/a draft->enacted by -', 'kb/b draft->enacted by -', 'kb/a enacted->superseded by cs-2', 'kb/a draft->enacted by cs-2']);
      const txIds = await s.query<{ n: string }>("SELECT count(DISTINCT tx_id) AS n FROM cutter.lifecycle_log WHERE acting_change_set = 'cs-2'");
      expect(Number(txIds.rows[0]?.n)).toBe(1);
    });
  });

  it('a revert enacts again a superseded version whose change set has no SG_2 pass (enacted before migration 10)', async () => {
    await target.reset();
    await target.admin(async (s) => {
      // cs-old was enacted before gate passes were recorded: its enacted row is written with the triggers off.
      await s.exec(`SET session_replication_role = replica; ${draft('kb/a', 1, 'cs-old')}
        UPDATE cutter.iu_versions SET status = 'enacted', review_decision_id = 'RD-old'; SET session_replication_role = origin;`);
      await s.exec(draft('kb/a', 2, 'cs-new') + pass('cs-new'));
      await s.exec("SELECT set_config('cutter.acting_change_set', 'cs-new', false)");
      await s.exec("UPDATE cutter.iu_versions SET status = 'superseded', superseded_by = 'cs-new' WHERE version = 1");
      await s.exec("UPDATE cutter.iu_versions SET status = 'enacted', review_decision_id = 'RD-new' WHERE version = 2");
      const reverted = await s.query<{ action: string }>("SELECT action FROM cutter.fn_revert_change_set('cs-new') ORDER BY action");
      expect(reverted.rows.map((r) => r.action)).toEqual(['re-enact', 'retire-enacted']);
      expect(await statuses(s)).toEqual(['kb/a v1 enacted', 'kb/a v2 retired']);
      expect((await logRows(s)).slice(-2)).toEqual(['kb/a enacted->retired by cs-new', 'kb/a superseded->enacted by cs-new']);
      await s.exec("SELECT set_config('cutter.acting_change_set', '', false)");
    });
  });
});
