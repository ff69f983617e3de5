import { domainCheckSql } from '../sql/domain-checks.js';
import { fieldCheckOf } from '../sql/row-limits.js';

/**
 * Migration 14: the checks on an IU's content (address, title, body, content hash) are checked when a value is
 * written, not again on every UPDATE of its status (issue 17). PostgreSQL evaluates every CHECK constraint of a table on
 * every UPDATE, whatever the UPDATE changes: enactment's status change re-ran the address pattern, the title's UTF-16
 * length (a regexp_replace) and the blank checks (btrim of the 1 KB body) on each row, 40% of a bare UPDATE's backend
 * CPU (perf, 100k drafts enacted by one UPDATE without triggers: 3.1–3.7 s with the table's CHECKs, 2.0 s with these
 * domains). A domain's constraints are evaluated where a value is coerced to it: every INSERT and COPY, and any UPDATE
 * that sets the column; a column the UPDATE does not set is copied unchecked. Content is immutable anyway (migration
 * 13's `iu_versions_check_3_content` trigger refuses any change to it), so nothing that is written goes unchecked.
 *
 * The constraints keep their names (`iu_versions_<field>_limit`, `iu_versions_<field>_check`), their SQLSTATE (23514)
 * and their expressions, so errors map to the same fields. As migration 11 does, rows already there that break one
 * are kept (governed history): the domain's constraint then stays NOT VALID, with a warning, and every new value is
 * still checked. PL/pgSQL functions that return a content column must now say `::text` (RETURN QUERY compares types
 * exactly); the two that do are recreated, otherwise as migrations 9 and 13 left them.
 */
const DOMAINS = [
  { domain: 'iu_address', column: 'address', checks: [['iu_versions_address_limit', fieldCheckOf('address', 'VALUE')]] },
  {
    domain: 'iu_title',
    column: 'title',
    checks: [['iu_versions_title_check', 'length(btrim(VALUE)) > 0'], ['iu_versions_title_limit', fieldCheckOf('title', 'VALUE')]],
  },
  {
    domain: 'iu_body',
    column: 'body',
    checks: [['iu_versions_body_check', 'length(btrim(VALUE)) > 0'], ['iu_versions_body_limit', fieldCheckOf('body', 'VALUE')]],
  },
  { domain: 'iu_content_hash', column: 'content_hash', checks: [['iu_versions_content_hash_check', "VALUE ~ '^[0-9a-f]{64}$'"]] },
] as const;

/** Creates the domain (without constraints, so retyping the column neither checks nor rewrites the table). */
const createDomain = (domain: string) => /* sql */ `
DO $d$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'cutter' AND t.typname = '${domain}') THEN
    CREATE DOMAIN cutter.${domain} AS text;
  END IF;
END $d$;`;

/** Moves one constraint from the table to the domain: added NOT VALID, then validated if every row already holds. */
const moveCheck = (domain: string, name: string, check: string) => /* sql */ `
ALTER TABLE cutter.iu_versions DROP CONSTRAINT IF EXISTS ${name};
${domainCheckSql(domain, name, check)}`;

export const migration014 = {
  version: 14,
  name: 'content-checks-on-write',
  sql: /* sql */ `
${DOMAINS.map((d) => createDomain(d.domain)).join('\n')}
-- The content trigger's WHEN names the columns: it is dropped while they are retyped, then created again as it was.
DROP TRIGGER IF EXISTS iu_versions_check_3_content ON cutter.iu_versions;
ALTER TABLE cutter.iu_versions
  ${DOMAINS.map((d) => `ALTER COLUMN ${d.column} TYPE cutter.${d.domain}`).join(',\n  ')};
CREATE TRIGGER iu_versions_check_3_content BEFORE UPDATE ON cutter.iu_versions FOR EACH ROW
  WHEN (NEW.title IS DISTINCT FROM OLD.title OR NEW.body IS DISTINCT FROM OLD.body OR NEW.content_hash IS DISTINCT FROM OLD.content_hash)
  EXECUTE FUNCTION cutter.tg_iu_refuse('content');
${DOMAINS.flatMap((d) => d.checks.map(([name, check]) => moveCheck(d.domain, name, check))).join('\n')}

CREATE OR REPLACE FUNCTION cutter.fn_revert_change_set(p_change_set_id text)
RETURNS TABLE (action text, address text, version integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
  PERFORM set_config('cutter.acting_change_set', p_change_set_id, true);
  RETURN QUERY
    UPDATE cutter.iu_versions v SET status = 'retired'
    WHERE v.change_set_id = p_change_set_id AND v.status = 'draft'
    RETURNING 'retire-draft'::text, v.address::text, v.version;
  RETURN QUERY
    UPDATE cutter.iu_versions v SET status = 'retired'
    WHERE v.change_set_id = p_change_set_id AND v.status = 'enacted'
    RETURNING 'retire-enacted'::text, v.address::text, v.version;
  RETURN QUERY
    UPDATE cutter.iu_versions v SET status = 'enacted', superseded_by = NULL
    WHERE v.superseded_by = p_change_set_id AND v.status = 'superseded'
    RETURNING 're-enact'::text, v.address::text, v.version;
  RETURN QUERY
    UPDATE cutter.iu_versions v SET status = 'enacted', retired_by = NULL
    WHERE v.retired_by = p_change_set_id AND v.status = 'retired'
    RETURNING 'restore'::text, v.address::text, v.version;
END $fn$;

CREATE OR REPLACE FUNCTION cutter.fn_retire_addresses(p_change_set_id text, p_addresses text[])
RETURNS TABLE (address text) LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET plan_cache_mode = force_custom_plan AS $fn$
#variable_conflict use_column
BEGIN
  PERFORM set_config('cutter.acting_change_set', p_change_set_id, true);
  RETURN QUERY UPDATE cutter.iu_versions v SET status = 'retired', retired_by = p_change_set_id, updated_at = now()
    WHERE v.address = ANY (p_addresses) AND v.status = 'enacted' RETURNING v.address::text;
END $fn$;
`,
} as const;
