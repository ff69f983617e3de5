/**
 * Migrations 14 and 15 (issue 17): the IU table's content checks are its content domains' constraints, checked on
 * write, in cheaper expressions. On real databases:
 * - each cheaper expression accepts exactly the values the one it replaced accepts, value by value, edge cases included;
 * - a write breaking one is still refused with 23514 naming the constraint, as before;
 * - a status UPDATE does not re-check content, yet content cannot change (the content trigger refuses it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHEAP_CONTENT_CHECKS } from '../../src/postgres/migrations/015-cheaper-content-checks.js';
import { PlanLimits } from '../../src/domain/limits.js';
import { fieldCheckOf, quickFieldCheckOf } from '../../src/postgres/sql/row-limits.js';
import { openTarget, TARGET_KINDS, type Target } from '../support/targets.js';

const emoji = '\u{1F600}'; // two UTF-16 code units, four UTF-8 octets
const hex64 = 'a'.repeat(32) + '0123456789abcdef'.repeat(2);

/** The expressions migration 14 moved to the domains (migration 1's and 11's), over VALUE, and what replaced them. */
const PAIRS = [
  {
    name: 'content hash', old: "VALUE ~ '^[0-9a-f]{64}$'", cheap: CHEAP_CONTENT_CHECKS.contentHash,
    values: ['', hex64, hex64.slice(1), `${hex64}0`, hex64.toUpperCase(), `${hex64.slice(1)}g`, `${hex64.slice(1)}\n`, `${hex64}\n`,
      `${hex64.slice(2)}é`, `${hex64.slice(4)}${emoji}`, ` ${hex64.slice(1)}`],
  },
  {
    name: 'not blank', old: 'length(btrim(VALUE)) > 0', cheap: CHEAP_CONTENT_CHECKS.notBlank,
    values: ['', ' ', '   ', '\t', '\n', ' \n ', ' a ', 'a', 'é', emoji, ' \u00a0 ', 'abc\n', `${' '.repeat(2000)}x`, 'x'.repeat(5000)],
  },
  {
    name: 'title limit', old: fieldCheckOf('title', 'VALUE'), cheap: CHEAP_CONTENT_CHECKS.titleLimit,
    values: ['', 'T', 'T'.repeat(499), 'T'.repeat(500), 'T'.repeat(501), emoji.repeat(250), emoji.repeat(251), 'é'.repeat(500), 'é'.repeat(501),
      `${'T'.repeat(498)}${emoji}`, `${'T'.repeat(499)}${emoji}`, '€'.repeat(500), '€'.repeat(501), 'T'.repeat(5000)],
  },
  {
    // Migration 16's, on the tables that hold plan rows.
    name: 'source limit', old: fieldCheckOf('source', 'VALUE'), cheap: quickFieldCheckOf('source', 'VALUE'),
    values: ['', 's', 'S'.repeat(PlanLimits.maxSourceChars), 'S'.repeat(PlanLimits.maxSourceChars + 1), emoji.repeat(PlanLimits.maxSourceChars / 2),
      emoji.repeat(PlanLimits.maxSourceChars / 2 + 1), 'é'.repeat(PlanLimits.maxSourceChars), 'é'.repeat(PlanLimits.maxSourceChars + 1)],
  },
] as const;

describe.each(TARGET_KINDS)('content checks on write on %s', (kind) => {
  let target: Target;
  beforeAll(async () => { target = await openTarget(kind); await target.reset(); }, 60_000);
  afterAll(async () => { await target.close(); });

  it.each(PAIRS)('the cheaper $name check accepts exactly what the old one accepts', async ({ old, cheap, values }) => {
    const judged = await target.admin(async (s) => (await s.query<{ old: boolean; cheap: boolean }>(
      `SELECT coalesce((${old.replaceAll('VALUE', 'v')}), true) AS old, coalesce((${cheap.replaceAll('VALUE', 'v')}), true) AS cheap
         FROM unnest($1::text[]) WITH ORDINALITY AS u (v, n) ORDER BY n`, [values])).rows);
    expect(judged.map((r) => r.cheap)).toEqual(judged.map((r) => r.old));
    // Both outcomes occur, so the comparison could fail.
    expect(new Set(judged.map((r) => r.old))).toEqual(new Set([true, false]));
  });

  const insert = (over: Record<string, string>) => target.admin((s) => s.query(
    'INSERT INTO cutter.iu_versions (address, version, title, body, content_hash, change_set_id) VALUES ($1, 1, $2, $3, $4, $5)',
    [over.address ?? 'docs/checks/a', over.title ?? 'A title', over.body ?? 'A body.', over.content_hash ?? hex64, 'cs-checks'],
  ));

  it.each([
    [{ content_hash: hex64.toUpperCase() }, 'iu_versions_content_hash_check'],
    [{ body: '   ' }, 'iu_versions_body_check'],
    [{ title: ' ' }, 'iu_versions_title_check'],
    [{ title: emoji.repeat(251) }, 'iu_versions_title_limit'],
    [{ address: 'BAD ADDR' }, 'iu_versions_address_limit'],
  ] as const)('an INSERT breaking a content check (%#) is refused with 23514 naming %s', async (over, constraint) => {
    await expect(insert(over)).rejects.toMatchObject({ code: '23514', constraint });
  });

  it('a status UPDATE leaves content unchecked but unchangeable: the content trigger refuses any change to it', async () => {
    await insert({ address: 'docs/checks/ok', title: emoji.repeat(250) });
    await expect(target.admin((s) => s.query("UPDATE cutter.iu_versions SET body = 'Another body.' WHERE address = 'docs/checks/ok'")))
      .rejects.toMatchObject({ code: '23514', message: expect.stringContaining('IU content is immutable') });
    // Setting a content column to a value breaking its check is refused by the domain first.
    await expect(target.admin((s) => s.query("UPDATE cutter.iu_versions SET content_hash = 'x' WHERE address = 'docs/checks/ok'")))
      .rejects.toMatchObject({ code: '23514', constraint: 'iu_versions_content_hash_check' });
    await target.admin((s) => s.query("UPDATE cutter.iu_versions SET status = 'retired' WHERE address = 'docs/checks/ok'"));
    const status = await target.admin(async (s) => (await s.query<{ status: string }>("SELECT status FROM cutter.iu_versions WHERE address = 'docs/checks/ok'")).rows[0]?.status);
    expect(status).toBe('retired');
  });
});
