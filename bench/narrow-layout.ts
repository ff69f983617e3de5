/**
 * The breakdown's `narrow` variants: a prototype of the layout proposed for issue 17's whole-run target, in which an
 * IU version row carries no title or body (those live once, content-addressed, beside it), so the cut inserts and
 * enactment rewrites rows of about 200 bytes instead of 1.2 KB (docs/performance.md has what it measured: not enough
 * to reach the target). It measures that layout through the
 * adapter's own statements and the database's own functions, triggers and indexes, without changing either:
 * - the IU table is renamed `cutter.iu_heads`, keeping its indexes, constraints and triggers, with title and body
 *   allowed to be NULL (a NULL takes a bit of the row's null bitmap, no bytes);
 * - `cutter.iu_versions` becomes a view of it: every reader and the lifecycle functions' UPDATEs go through it
 *   unchanged (a one-table view is updatable), and a rule turns the cut's INSERT into one of the row without its
 *   title and body (a rule rewrites the statement once; a trigger would cost a call per row);
 * - the roles get on the view what they had on the table.
 * What it does not build: the bodies' own table. The pin writes the same bytes into `cutter.pinned_plan_rows` as it
 * would into a table of bodies keyed by content hash, and the cut rehashes them there as it would there, so the pin
 * and the cut's checks are measured as they are. Only for a target that holds no IU yet (the breakdown's): the view
 * would otherwise hide the bodies the target holds.
 */
export const NARROW_LAYOUT_SQL: readonly string[] = [
  'ALTER TABLE cutter.iu_versions RENAME TO iu_heads',
  'ALTER TABLE cutter.iu_heads ALTER COLUMN title DROP NOT NULL, ALTER COLUMN body DROP NOT NULL',
  'CREATE VIEW cutter.iu_versions AS SELECT * FROM cutter.iu_heads',
  `CREATE RULE iu_versions_narrow_insert AS ON INSERT TO cutter.iu_versions DO INSTEAD
     INSERT INTO cutter.iu_heads (address, version, content_hash, change_set_id)
     VALUES (NEW.address, NEW.version, NEW.content_hash, NEW.change_set_id) RETURNING cutter.iu_heads.*`,
  // The table's grants, table-wide and per column, given again on the view.
  `DO $g$ DECLARE g record; BEGIN
     FOR g IN SELECT DISTINCT grantee, privilege_type FROM information_schema.role_table_grants
              WHERE table_schema = 'cutter' AND table_name = 'iu_heads' AND grantee <> current_user LOOP
       EXECUTE format('GRANT %s ON cutter.iu_versions TO %I', g.privilege_type, g.grantee);
     END LOOP;
     FOR g IN SELECT grantee, privilege_type, string_agg(quote_ident(column_name), ', ') AS columns FROM information_schema.column_privileges
              WHERE table_schema = 'cutter' AND table_name = 'iu_heads' AND grantee <> current_user GROUP BY grantee, privilege_type LOOP
       EXECUTE format('GRANT %s (%s) ON cutter.iu_versions TO %I', g.privilege_type, g.columns, g.grantee);
     END LOOP;
   END $g$`,
];
