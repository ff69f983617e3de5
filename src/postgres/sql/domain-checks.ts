/**
 * A named CHECK on one of the IU table's content domains (migration 14), set to `check`: added NOT VALID if missing
 * (or replaced, if `replace`), then validated if every row already holds. As migration 11 does for the table limits,
 * rows already there that break it are kept (governed history): the constraint then stays NOT VALID, with a warning,
 * and every new value is still checked.
 */
export function domainCheckSql(domain: string, name: string, check: string, replace = false): string {
  return /* sql */ `
DO $c$ BEGIN
  ${replace ? `ALTER DOMAIN cutter.${domain} DROP CONSTRAINT IF EXISTS ${name};` : ''}
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE contypid = 'cutter.${domain}'::regtype AND conname = '${name}') THEN
    ALTER DOMAIN cutter.${domain} ADD CONSTRAINT ${name} CHECK (${check}) NOT VALID;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE contypid = 'cutter.${domain}'::regtype AND conname = '${name}' AND NOT convalidated) THEN
    BEGIN
      ALTER DOMAIN cutter.${domain} VALIDATE CONSTRAINT ${name};
    EXCEPTION WHEN check_violation THEN
      RAISE WARNING 'cutter.iu_versions holds rows written before % was enforced; they are kept as they are, and every new row is checked', '${name}';
    END;
  END IF;
END $c$;`;
}
