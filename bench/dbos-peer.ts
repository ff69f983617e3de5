/**
 * The peer: the same five transactional steps (backup, cut, ledger, verify, enact), the same rows and the same
 * cutter tables and SQL, orchestrated as a DBOS Transact workflow instead of Cutter's statechart and run store.
 * DBOS checkpoints the workflow's input (the plan) and each step's output in its own system database (a scratch
 * database on the same server, dropped afterwards). Each step is one transaction on the target.
 *
 * What the peer does not do, and Cutter's phases do: read the kill-switch row, take the target lease, and write a
 * phase record in each transaction (DBOS's step checkpoint, written after the step's transaction, stands in for it);
 * gates and approvals. So its database work per step is slightly smaller than Cutter's.
 */
import { DBOS } from '@dbos-inc/dbos-sdk';
import { contentDigestOf, pinChangeSet } from '../src/domain/change-set.js';
import type { Cutplan } from '../src/domain/cutplan.js';
import type { IURow } from '../src/domain/iu.js';
import { snapshotBackupRunner } from '../src/postgres/backups/snapshot-runner.js';
import { DbRole } from '../src/postgres/port.js';
import { createStaged, insertChangeSet } from '../src/postgres/sql/iu-create.js';
import { enactAddresses } from '../src/postgres/sql/iu-enact.js';
import { appendLedger } from '../src/postgres/sql/ledger.js';
import { changeSetDigest, recordVerification } from '../src/postgres/sql/verify.js';
import { inTransaction } from '../src/postgres/transaction.js';
import { createScratchDatabase, type ScratchTarget } from './scratch.js';
import type { RunTiming } from './measures.js';
import { timedProvider } from './timed-provider.js';

export interface DbosPeer {
  run(plan: Cutplan, runId: string): Promise<RunTiming>;
  close(): Promise<void>;
}

/** Launches DBOS with a scratch system database next to `target`'s; `close` shuts it down and drops that database. */
export async function launchDbosPeer(target: ScratchTarget, adminDsn: string): Promise<DbosPeer> {
  const system = await createScratchDatabase(adminDsn, `cutter_bench_dbos_${process.pid}`);
  const timed = timedProvider(target.provider);
  const provider = timed.provider;
  const fail = (what: string) => { throw new Error(what); };

  const workflow = DBOS.registerWorkflow(async (rows: readonly IURow[], runId: string): Promise<number> => {
    const changeSet = pinChangeSet({ rows }, runId);
    const id = changeSet.changeSetId;
    await DBOS.runStep(() => inTransaction(provider, DbRole.Exec, undefined, async (session) => {
      const result = await snapshotBackupRunner.take({ runId, changeSetId: id, session });
      return result.verified ? result.backupId : fail('backup not verified');
    }), { name: 'backup' });
    await DBOS.runStep(() => inTransaction(provider, DbRole.Exec, undefined, async (session) => {
      await insertChangeSet(session, changeSet, runId);
      const created = await createStaged(session, rows, id, 1000, () => undefined);
      return created.every((r) => r.status === 'created') ? created.length : fail('a row was not created');
    }), { name: 'cut' });
    const ledger = await DBOS.runStep(() => inTransaction(provider, DbRole.Exec, undefined, async (session) => {
      const { count, digest } = await changeSetDigest(session, id);
      return appendLedger(session, { kind: 'change-set', changeSetId: id, payload: { runId, planHash: changeSet.planHash, rowCount: count, contentDigest: digest } });
    }), { name: 'ledger' });
    await DBOS.runStep(() => inTransaction(provider, DbRole.Verify, undefined, async (session) => {
      const actual = await recordVerification(session, runId, id, { count: rows.length, digest: contentDigestOf(rows) });
      const ok = actual.ok;
      return ok ? ledger.seq : fail('verify failed');
    }), { name: 'verify' });
    return DBOS.runStep(() => inTransaction(provider, DbRole.Exec, undefined, async (session) => {
      const enacted = await enactAddresses(session, { changeSetId: id, runId, reviewDecisionId: 'RD-BENCH' }, rows.map((r) => r.address), 1000, () => undefined);
      return enacted.every((r) => r.status === 'enacted') ? enacted.length : fail('an IU was not enacted');
    }), { name: 'enact' });
  }, { name: 'cutterPeer' });

  try {
    DBOS.setConfig({ name: 'cutter-bench', systemDatabaseUrl: system.dsn, logLevel: 'error' });
    await DBOS.launch();
  } catch (error) {
    await system.drop();
    throw error;
  }
  return {
    async run(plan, runId) {
      timed.reset();
      const start = performance.now();
      const enacted = await workflow(plan.rows, runId);
      const wallMs = performance.now() - start;
      if (enacted !== plan.rows.length) throw new Error(`DBOS peer enacted ${enacted} of ${plan.rows.length}`);
      return { wallMs, phaseDbMs: timed.heldMs(), storeMs: Number.NaN, overheadMs: wallMs - timed.heldMs() };
    },
    async close() {
      try {
        await DBOS.shutdown();
      } finally {
        await system.drop();
      }
    },
  };
}
