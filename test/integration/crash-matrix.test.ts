/**
 * I9, exactly-once: a child process carrying a LIVE run is killed (SIGKILL) at every phase boundary and just before
 * and just after each phase's COMMIT; the run is then resumed here and finished. Whatever the crash point, every IU
 * is written once (version 1, enacted), the ledger holds one chained record for the change set, each phase is
 * recorded once, and nothing partial remains.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateApproverKeyPair, signApproval } from '../../src/approvals/index.js';
import { approveThroughGates } from '../support/approve-through-gates.js';
import { verifyLedgerChain } from '../../src/domain/ledger-chain.js';
import { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import { snapshotBackupRunner } from '../../src/postgres/backups/snapshot-runner.js';
import { PostgresLiveExecutionAdapter } from '../../src/postgres/postgres-adapter.js';
import { PostgresRunStore } from '../../src/postgres/run-store.js';
import { readLedger } from '../../src/postgres/sql/ledger.js';
import { restoreRun } from '../../src/runs/durable-run.js';
import { countRows, openTarget, TARGET_KINDS, type Target } from '../support/targets.js';
import { tsxNodeArgs } from '../support/tsx-node.js';

const exec = promisify(execFile);
const PHASES = ['preWriteBackup', 'cutLegA', 'legBRecord', 'writeVerify', 'lifecycleEnact'] as const;
/** The state a run is in while each phase runs: killed after the phase's commit, the stored run says so. */
const STATE_OF_PHASE: Record<(typeof PHASES)[number], string> = {
  preWriteBackup: 'backingUp', cutLegA: 'cutting', legBRecord: 'recordingLedger', writeVerify: 'verifying', lifecycleEnact: 'enacting',
};
const CRASH_POINTS = [
  ...['backingUp', 'cutting', 'recordingLedger', 'verifying', 'awaitingEnactApproval', 'enacting'].map((s) => `state:${s}`),
  ...PHASES.flatMap((p) => [`before-commit:${p}`, `after-commit:${p}`]),
];

// Needs a PostgreSQL server (CUTTER_TEST_DATABASE_URL); skipped only without one. CI sets CUTTER_REQUIRE_POSTGRES=1,
// and then test/support/targets.ts fails the suite if the URL is missing, so this tier never skips there.
describe.runIf(TARGET_KINDS.includes('postgres'))('crash matrix on postgres', () => {
  let target: Target;
  let dir = '';
  const keys = { alice: generateApproverKeyPair(), bob: generateApproverKeyPair() };
  const policy = { approvers: { alice: keys.alice.publicKey, bob: keys.bob.publicKey } };

  beforeAll(async () => {
    target = await openTarget('postgres');
    dir = await mkdtemp(join(tmpdir(), 'cutter-crash-'));
    await writeFile(join(dir, 'keys.json'), JSON.stringify(keys));
  }, 60_000);
  afterAll(async () => {
    await target.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => target.reset());

  it('killed just after the cut committed, resumed with the kill switch OFF: halted (never refused), then resumed to completion once', async () => {
    const runId = 'crash-then-switch-off';
    const child = await exec(process.execPath, tsxNodeArgs('test/support/crash-worker.ts', target.dsn ?? '', runId, 'after-commit:cutLegA', join(dir, 'keys.json'))).then(
      () => 'exited',
      (error: unknown) => (error as { signal?: string }).signal ?? 'failed',
    );
    expect(child).toBe('SIGKILL');
    const store = new PostgresRunStore((work) => target.admin(work));
    // Record before effect: the stored run says the cut was in flight, and the drafts are there.
    expect((await store.find(runId))?.run.state).toBe('cutting');
    expect(await countRows(target, 'iu_versions', "status = 'draft'")).toBe(5);
    await target.admin((s) => s.query("UPDATE cutter.target_lock SET expires_at = now() - interval '1 second'"));
    await target.admin((s) => s.query("UPDATE cutter.run_holds SET expires_at = now() - interval '1 second'"));

    const killSwitch = new InMemoryKillSwitch(false);
    const adapter = new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: target.provider, backupRunner: snapshotBackupRunner });
    const run = await restoreRun({ store, runId, approvals: policy, executor: adapter, killSwitch });
    const halted = await run.settled();
    expect(halted).toMatchObject({ state: 'halted', context: { haltedBefore: 'cutting', error: { code: 'E_KILL_SWITCH_OFF' } } });
    await run.release();
    expect((await store.find(runId))?.run).toMatchObject({ state: 'halted', status: 'active' });

    killSwitch.turnOn();
    const resumed = await restoreRun({ store, runId, approvals: policy, executor: adapter, killSwitch });
    resumed.resume('ops');
    const atEnact = await resumed.settled();
    expect(atEnact.gate).toBe('SG_2');
    const cs = atEnact.context.changeSet;
    if (cs === null) throw new Error('no change set');
    resumed.approve(signApproval({
      gate: 'SG_2', runId, changeSetId: cs.changeSetId, planHash: cs.planHash, approver: 'bob', reason: 'after the crash',
      issuedAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 3_600_000).toISOString(), reviewDecisionId: 'RD-CRASH',
    }, keys.bob.privateKey));
    expect((await resumed.settled()).output?.status).toBe('completed');
    await resumed.release();
    expect(await countRows(target, 'iu_versions', "status = 'enacted' AND version = 1")).toBe(5);
    expect(await countRows(target, 'iu_versions')).toBe(5);
    expect(await countRows(target, 'phase_records', "phase = 'cutLegA'")).toBe(1);
    expect(await countRows(target, 'ledger')).toBe(1);
  }, 60_000);

  it.each(CRASH_POINTS)('killed at %s, resumed: exactly once', async (crashAt) => {
    const runId = `crash-${crashAt.replace(/[^a-z]/gi, '-')}`;
    const child = await exec(process.execPath, tsxNodeArgs('test/support/crash-worker.ts', target.dsn ?? '', runId, crashAt, join(dir, 'keys.json'))).then(
      () => 'exited',
      (error: unknown) => (error as { signal?: string }).signal ?? 'failed',
    );
    expect(child).toBe('SIGKILL');
    const store = new PostgresRunStore((work) => target.admin(work));
    // Record before effect: the run was stored in the phase before the phase began (the store's write, committed without
    // waiting for the flush, is on disk once the phase's own commit is).
    const committed = PHASES.find((p) => crashAt === `after-commit:${p}`);
    if (committed !== undefined) expect((await store.find(runId))?.run.state).toBe(STATE_OF_PHASE[committed]);

    // Resume here, as another process would, and finish the run.
    const killSwitch = new InMemoryKillSwitch(true);
    const adapter = new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: target.provider, backupRunner: snapshotBackupRunner, leaseSeconds: 5 });
    // The dead process's target lease and hold on the run would block for their period; a crashed process is exactly
    // what their expiry is for, so the test lets that time pass.
    await target.admin((s) => s.query("UPDATE cutter.target_lock SET expires_at = now() - interval '1 second'"));
    await target.admin((s) => s.query("UPDATE cutter.run_holds SET expires_at = now() - interval '1 second'"));
    const run = await restoreRun({ store, runId, approvals: policy, executor: adapter, killSwitch });
    if (run.view().state === 'idle') run.start();
    expect((await approveThroughGates(run, keys)).output?.status).toBe('completed');

    expect(await countRows(target, 'iu_versions')).toBe(5);
    expect(await countRows(target, 'iu_versions', "status = 'enacted' AND version = 1")).toBe(5);
    expect(await countRows(target, 'lifecycle_log')).toBe(10);
    expect(await countRows(target, 'change_sets')).toBe(1);
    for (const phase of PHASES) expect(await countRows(target, 'phase_records', 'phase = $1', [phase])).toBe(1);
    const ledger = await target.admin((s) => readLedger(s));
    expect(ledger.filter((r) => r.kind === 'change-set')).toHaveLength(1);
    expect(verifyLedgerChain(ledger)).toMatchObject({ ok: true });
    expect(await countRows(target, 'backups', 'verified')).toBe(1);
  }, 60_000);
});
