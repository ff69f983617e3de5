/**
 * What each of Cutter's phase roles may do in the `cutter` schema, as the migrations grant it: one table, from which
 * docs/operations.md's privilege table is written and against which the test suite checks the catalog and tries every
 * other write as each role (and as each login of a per-role setup). Anything not listed here is refused.
 */
import { DbRole } from './port.js';

export type TablePrivilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE' | 'TRUNCATE';

export interface TableGrant {
  readonly privileges: readonly TablePrivilege[];
  /** INSERT limited to these columns (the rest take their defaults). */
  readonly insertColumns?: readonly string[];
  /** Why the role needs it, for the docs. */
  readonly why: string;
}

export interface RolePrivileges {
  readonly tables: Readonly<Record<string, Partial<Record<DbRole, TableGrant>>>>;
  /** Functions by name, with the roles that may EXECUTE them and what they are for. */
  readonly functions: Readonly<Record<string, { readonly roles: readonly DbRole[]; readonly why: string }>>;
}

const read = (why: string): TableGrant => ({ privileges: ['SELECT'], why });
const append = (why: string): TableGrant => ({ privileges: ['SELECT', 'INSERT'], why });
const E = DbRole.Exec;
const V = DbRole.Verify;

export const ROLE_PRIVILEGES: RolePrivileges = {
  tables: {
    iu_versions: {
      [E]: { privileges: ['SELECT', 'INSERT'], insertColumns: ['address', 'version', 'title', 'body', 'content_hash', 'change_set_id'], why: 'the cut writes drafts (never a status, review decision or successor)' },
      [V]: read('verification reads the change set'),
    },
    lifecycle_log: { [E]: read('the enactment counts what the trigger logged'), [V]: read('reports') },
    change_sets: { [E]: append('the cut records its change set'), [V]: read('reports') },
    ledger: { [E]: append('Leg B and compensation append to the chain (append-only: no UPDATE or DELETE, for anyone)'), [V]: read('ledger verify') },
    phase_records: { [E]: read('replay finds committed phases'), [V]: read('replay finds committed phases') },
    verify_results: { [E]: read('reports'), [V]: read('reports') },
    backups: { [E]: append('the backup phase records its backup'), [V]: read('reports') },
    iu_snapshots: { [E]: append('the snapshot backup copies the versions it saves') },
    gate_passes: { [E]: read('reports'), [V]: read('reports') },
    pinned_plans: { [E]: append('planning pins the plan (write-once, for anyone)'), [V]: read('the cut checks the pin') },
    pinned_plan_rows: { [E]: append('planning pins the rows (write-once, for anyone)'), [V]: read('the cut checks the pin') },
    schema_migrations: { [E]: read('precheck reads the schema version'), [V]: read('precheck reads the schema version') },
    kill_switch: {},
    target_lock: {},
    run_holds: {},
    ledger_head: {},
    runs: {},
    run_plans: {},
    run_plan_rows: {},
    run_journal: {},
  },
  functions: {
    fn_kill_switch_enabled: { roles: [E, V], why: 'every phase reads (and locks) the kill switch' },
    fn_assert_run_hold: { roles: [E, V], why: 'every phase checks its process holds the run' },
    fn_acquire_target: { roles: [E], why: 'a writing phase takes or renews the target lease' },
    fn_release_target_held: { roles: [E], why: 'gives the lease back: only the holding process (its hold token)' },
    fn_phase_record_disagreement: { roles: [E, V], why: 'replay asks whether a record agrees with the database' },
    fn_record_exec_phase: { roles: [E], why: 'records backup, cut, Leg B, enactment and compensation, if they agree with the database' },
    fn_record_verify_phase: { roles: [V], why: 'records verification, if it agrees with the database' },
    fn_record_verify: { roles: [V], why: 'verifies: the database computes the digest and records the result' },
    fn_enact_addresses: { roles: [E], why: 'enacts drafts of a verified change set, recording its SG_2 pass' },
    fn_retire_addresses: { roles: [E], why: 'retires enacted versions the change set removes' },
    fn_revert_change_set: { roles: [E], why: 'compensation and revert' },
    fn_iu_create: { roles: [E], why: "the predecessor's per-row create (drafts only)" },
    fn_iu_create_batch: { roles: [E], why: "the predecessor's batch create (drafts only)" },
    fn_release_target: { roles: [], why: 'superseded by fn_release_target_held' },
    fn_record_phase: { roles: [], why: 'called by the per-role recording functions only' },
    fn_iu_enact: { roles: [], why: "the predecessor's per-row enact: phase roles hold no UPDATE, so only fn_enact_addresses enacts" },
    fn_iu_enact_batch: { roles: [], why: 'as fn_iu_enact' },
    tg_iu_refuse: { roles: [], why: 'trigger: refuses a row that breaks a lifecycle rule (allowed moves, a review decision to enact, immutable content)' },
    tg_iu_stamp: { roles: [], why: 'trigger: stamps updated_at' },
    tg_iu_check_passes: { roles: [], why: 'trigger: a draft is enacted only with a recorded SG_2 pass (checked per statement)' },
    tg_iu_log_status: { roles: [], why: 'trigger: the only writer of the lifecycle log (new drafts)' },
    tg_iu_log_moves: { roles: [], why: 'trigger: the only writer of the lifecycle log (status changes, per statement)' },
    tg_ledger_append_only: { roles: [], why: 'trigger: the ledger is append-only' },
    tg_ledger_head: { roles: [], why: 'trigger: keeps the ledger head' },
    tg_pin_write_once: { roles: [], why: 'trigger: a pinned plan is write-once' },
  },
};

const ROLES = [E, V] as const;

/** The Markdown table docs/operations.md shows, written from {@link ROLE_PRIVILEGES}. */
export function privilegeTableMarkdown(): string {
  const cell = (grant: TableGrant | undefined) =>
    grant === undefined ? '—' : grant.privileges.map((p) => (p === 'INSERT' && grant.insertColumns !== undefined ? `INSERT (${grant.insertColumns.join(', ')})` : p)).join(', ');
  const tables = Object.entries(ROLE_PRIVILEGES.tables).map(([name, grants]) => {
    const why = [...new Set(ROLES.map((r) => grants[r]?.why).filter((w): w is string => w !== undefined))].join('; ');
    return `| table \`cutter.${name}\` | ${cell(grants[E])} | ${cell(grants[V])} | ${why === '' ? 'the schema owner only' : why} |`;
  });
  const functions = Object.entries(ROLE_PRIVILEGES.functions).map(([name, { roles, why }]) =>
    `| function \`cutter.${name}\` | ${roles.includes(E) ? 'EXECUTE' : '—'} | ${roles.includes(V) ? 'EXECUTE' : '—'} | ${why} |`);
  return ['| object | cutter_exec | cutter_verify | why |', '| --- | --- | --- | --- |', ...tables, ...functions].join('\n');
}
