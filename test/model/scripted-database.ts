/**
 * Plays a model path's phase outcomes on the real Postgres adapter: each outcome is made to happen in the database
 * (a refusal by the database kill switch, a failure just before the phase's record is written, an unverified backup,
 * a verification that reads back other content, the switch turned OFF right after a commit).
 */
import type { BackupResult } from '../../src/domain/results.js';
import { freezeResult } from '../../src/domain/results.js';
import type { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import type { BackupRunner } from '../../src/postgres/backups/backup-runner.js';
import { snapshotBackupRunner } from '../../src/postgres/backups/snapshot-runner.js';
import type { ConnectionProvider, QueryResult } from '../../src/postgres/port.js';
import { setDatabaseKillSwitch } from '../../src/postgres/sql/kill-switch.js';
import type { Outcome } from './run-model.js';

const PHASE_OF_RECORD: Readonly<Record<string, string>> = {
  preWriteBackup: 'backup', cutLegA: 'cut', legBRecord: 'ledger', writeVerify: 'verify', lifecycleEnact: 'enact', compensateChangeSet: 'compensate',
};

export class ScriptedDatabase {
  readonly #outcomes: Outcome[];
  readonly #killSwitch: InMemoryKillSwitch;

  constructor(outcomes: readonly Outcome[], killSwitch: InMemoryKillSwitch) {
    this.#outcomes = [...outcomes];
    this.#killSwitch = killSwitch;
  }

  #head(actorId: string): Outcome | undefined {
    return this.#outcomes[0]?.actorId === actorId ? this.#outcomes[0] : undefined;
  }

  readonly provider = (base: ConnectionProvider): ConnectionProvider => async (role) => {
    const session = await base(role);
    let switchOffAfterCommit = false;
    const query = async <R,>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> => {
      const next = this.#outcomes[0];
      if (text.includes('schema_migrations') && next?.actorId === 'precheck') {
        this.#outcomes.shift();
        if (next.kind === 'error') throw new Error('injected precheck failure');
      }
      // The next kill-switch read belongs to the next scripted phase: a refusal is made real by turning the row OFF,
      // in this transaction (as its owner: the phase role may not), so the database lock itself refuses. The phase
      // then rolls back, and the flip with it; the path's later events set the switch as they need.
      if (text.includes('fn_kill_switch_enabled') && next?.kind === 'error' && next.flags.errorKind === 'killSwitch') {
        this.#outcomes.shift();
        await session.query('RESET ROLE');
        await setDatabaseKillSwitch(session, false, 'model', 'scripted refusal');
        await session.query(`SET ROLE ${role}`);
      }
      // A scripted mismatch: the database verifies against an expectation nothing can meet, and records that honestly.
      if (role === 'cutter_verify' && text.includes('cutter.fn_record_verify(') && this.#head('verify')?.flags.verifyOk === false) {
        return session.query<R>(text, [params?.[0], params?.[1], -1, 'scripted-mismatch']);
      }
      if (/cutter\.fn_record_(exec|verify)_phase\(/.test(text)) {
        const actorId = PHASE_OF_RECORD[String(params?.[1])] ?? '';
        const outcome = this.#head(actorId);
        if (outcome !== undefined) {
          this.#outcomes.shift();
          if (outcome.kind === 'error') throw new Error(`injected failure in ${actorId}`);
          switchOffAfterCommit = outcome.flags.killSwitch === 'off';
        }
      }
      const result = await session.query<R>(text, params);
      if (text === 'COMMIT' && switchOffAfterCommit) this.#killSwitch.turnOff();
      return result;
    };
    return { ...session, query };
  };

  readonly backupRunner: BackupRunner = {
    kind: 'snapshot',
    take: async (request): Promise<BackupResult> => {
      const outcome = this.#head('backup');
      const result = await snapshotBackupRunner.take(request);
      if (outcome?.kind === 'done' && outcome.flags.verified === false) {
        this.#outcomes.shift();
        return freezeResult({ ...result, verified: false });
      }
      return result;
    },
  };
}
