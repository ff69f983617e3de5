/**
 * A process that carries a LIVE run on PostgreSQL and kills itself (SIGKILL: no cleanup, no flush) at one chosen
 * point: entering a state, just before a phase's COMMIT, or just after it. The parent then resumes the run.
 *
 * argv: <dsn, or embedded:<data dir>> <runId> <crash point> <keys file (JSON: alice/bob private keys, public keys)>
 * On the embedded target the database lives in this process, so the kill is the database's crash too.
 * crash points: `state:<state>`, `before-commit:<phase>`, `after-commit:<phase>`, `none`
 */
import { readFileSync } from 'node:fs';
import { signApproval } from '../../src/approvals/index.js';
import type { Gate } from '../../src/domain/approval.js';
import { validateCutplan } from '../../src/domain/cutplan.js';
import { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import { snapshotBackupRunner } from '../../src/postgres/backups/snapshot-runner.js';
import { openTarget } from '../../src/postgres/open-target.js';
import type { ConnectionProvider, QueryResult } from '../../src/postgres/port.js';
import { PostgresLiveExecutionAdapter } from '../../src/postgres/postgres-adapter.js';
import { PostgresRunStore } from '../../src/postgres/run-store.js';
import type { RunView } from '../../src/runner/run-view.js';
import { createDurableRun } from '../../src/runs/durable-run.js';

const [dsn = '', runId = '', crashAt = 'none', keysFile = ''] = process.argv.slice(2);
const keys = JSON.parse(readFileSync(keysFile, 'utf8')) as Record<'alice' | 'bob', { publicKey: string; privateKey: string }>;
const die = (): never => { process.kill(process.pid, 'SIGKILL'); throw new Error('unreachable'); };

/** Which phase a transaction belongs to: its phase-record insert names it. */
const PHASE_OF_RECORD = /cutter\.fn_record_(exec|verify)_phase\(/;

const target = await openTarget(dsn.startsWith('embedded:') ? { kind: 'embedded', dataDir: dsn.slice('embedded:'.length) } : { kind: 'postgres', dsn });
const crashingProvider: ConnectionProvider = async (role) => {
  const session = await target.provider(role);
  let phase: string | null = null;
  const query = async <R,>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> => {
    if (PHASE_OF_RECORD.test(text)) phase = String(params?.[1]);
    if (text === 'COMMIT' && phase !== null && crashAt === `before-commit:${phase}`) die();
    const result = await session.query<R>(text, params);
    if (text === 'COMMIT' && phase !== null && crashAt === `after-commit:${phase}`) die();
    return result;
  };
  return { ...session, query };
};

const killSwitch = new InMemoryKillSwitch(true);
const adapter = new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: crashingProvider, backupRunner: snapshotBackupRunner });
const plan = validateCutplan(Array.from({ length: 5 }, (_, i) => ({ address: `crash/iu-${i + 1}`, title: `IU ${i + 1}`, body: `Body ${i + 1}` })));
const run = await createDurableRun({
  store: new PostgresRunStore((work) => target.admin(work)),
  runId, mode: 'LIVE', plan, initiator: 'carol', executor: adapter, killSwitch,
  approvals: { approvers: { alice: keys.alice.publicKey, bob: keys.bob.publicKey } },
});
run.subscribe((view) => { if (crashAt === `state:${view.state}`) die(); });

const sign = (view: RunView, gate: Gate) => {
  const cs = view.context.changeSet;
  if (cs === null) throw new Error('no change set');
  const who = gate === 'SG_1' ? 'alice' : 'bob';
  return signApproval({
    gate, runId, changeSetId: cs.changeSetId, planHash: cs.planHash, approver: who, reason: 'crash matrix',
    issuedAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    ...(gate === 'SG_2' ? { reviewDecisionId: 'RD-CRASH' } : {}),
  }, keys[who].privateKey);
};

run.start();
for (let view = await run.settled(); view.gate === 'SG_1' || view.gate === 'SG_2'; view = await run.settled()) {
  run.approve(sign(view, view.gate));
}
process.stdout.write(`${JSON.stringify({ state: run.view().state })}\n`);
await target.close();
