/**
 * Record before effect when the database dies with the process: on the embedded target (PGlite, in the process that
 * carries the run) a SIGKILL is the database's crash too, so what reaches the data folder is only what was flushed.
 * The run store commits its writes while a phase runs without waiting for the log flush (the phase's own commit
 * flushes them, in order); this proves that: a process killed just after a phase's COMMIT leaves a stored run that
 * says it is in that phase, and the run resumed from there writes everything exactly once. Killed just before the
 * COMMIT, the run may be found as it was before the phase (its last write not flushed), never anywhere else.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApproverKeyPair } from '../../src/approvals/index.js';
import { approveThroughGates } from '../support/approve-through-gates.js';
import { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import { snapshotBackupRunner } from '../../src/postgres/backups/snapshot-runner.js';
import { applyMigrations } from '../../src/postgres/migrations/index.js';
import { openTarget, type OpenTarget } from '../../src/postgres/open-target.js';
import { PostgresLiveExecutionAdapter } from '../../src/postgres/postgres-adapter.js';
import { PostgresRunStore } from '../../src/postgres/run-store.js';
import { setDatabaseKillSwitch } from '../../src/postgres/sql/kill-switch.js';
import { restoreRun } from '../../src/runs/durable-run.js';
import { tsxNodeArgs } from '../support/tsx-node.js';

const exec = promisify(execFile);
/** Each phase, the state the run is in while it runs, and the state the run was stored in before it. */
const PHASES = [
  { phase: 'preWriteBackup', state: 'backingUp', before: 'awaitingCutApproval' },
  { phase: 'cutLegA', state: 'cutting', before: 'backingUp' },
  { phase: 'legBRecord', state: 'recordingLedger', before: 'cutting' },
  { phase: 'writeVerify', state: 'verifying', before: 'recordingLedger' },
  { phase: 'lifecycleEnact', state: 'enacting', before: 'awaitingEnactApproval' },
] as const;

describe('a crash of the embedded database with its process, just before or after a phase commits', () => {
  let dir = '';
  let template = '';
  const keys = { alice: generateApproverKeyPair(), bob: generateApproverKeyPair() };
  const policy = { approvers: { alice: keys.alice.publicKey, bob: keys.bob.publicKey } };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cutter-crash-embedded-'));
    await writeFile(join(dir, 'keys.json'), JSON.stringify(keys));
    // One migrated folder, copied for each case: every crash starts from a clean, closed database.
    template = join(dir, 'template');
    const target = await openTarget({ kind: 'embedded', dataDir: template });
    await target.admin(async (s) => {
      await applyMigrations(s);
      await setDatabaseKillSwitch(s, true, 'test', 'crash test');
    });
    await target.close();
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const count = async (target: OpenTarget, sql: string, params: unknown[] = []) =>
    target.admin(async (s) => Number((await s.query<{ n: string }>(sql, params)).rows[0]?.n));

  /** Resumes the run here, as another process would, approving at each gate, and checks every write happened once. */
  async function resumeToCompletion(target: OpenTarget, runId: string): Promise<void> {
    const killSwitch = new InMemoryKillSwitch(true);
    const adapter = new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: target.provider, backupRunner: snapshotBackupRunner });
    // The dead process's target lease and hold would block for their period: expiry is what they are for.
    await target.admin((s) => s.query("UPDATE cutter.target_lock SET expires_at = now() - interval '1 second'"));
    await target.admin((s) => s.query("UPDATE cutter.run_holds SET expires_at = now() - interval '1 second'"));
    const run = await restoreRun({ store: new PostgresRunStore((work) => target.admin(work)), runId, approvals: policy, executor: adapter, killSwitch });
    expect((await approveThroughGates(run, keys)).output?.status).toBe('completed');
    await run.release();
    expect(await count(target, "SELECT count(*) AS n FROM cutter.iu_versions WHERE status = 'enacted' AND version = 1")).toBe(5);
    expect(await count(target, 'SELECT count(*) AS n FROM cutter.iu_versions')).toBe(5);
    for (const { phase } of PHASES) expect(await count(target, 'SELECT count(*) AS n FROM cutter.phase_records WHERE phase = $1', [phase])).toBe(1);
    expect(await count(target, "SELECT count(*) AS n FROM cutter.ledger WHERE kind = 'change-set'")).toBe(1);
  }

  /** Runs the crash worker on a fresh copy of the template until it kills itself at `crashAt`; returns the folder. */
  async function crashAt(crash: string): Promise<string> {
    const dataDir = join(dir, crash.replace(/[^a-z]/gi, '-'));
    await cp(template, dataDir, { recursive: true });
    const outcome = await exec(process.execPath, tsxNodeArgs('test/support/crash-worker.ts', `embedded:${dataDir}`, 'crash-run', crash, join(dir, 'keys.json'))).then(
      () => 'exited',
      (error: unknown) => (error as { signal?: string }).signal ?? 'failed',
    );
    expect(outcome).toBe('SIGKILL');
    return dataDir;
  }

  // Each case costs a process and a whole resumed run on PGlite, so not every phase: the first after each gate (its
  // stored run carries the approval) and one between two phases. test/integration/crash-matrix.test.ts kills at every
  // phase, on PostgreSQL, where the database outlives the process.
  const cases = PHASES.filter((p) => p.phase !== 'legBRecord' && p.phase !== 'writeVerify');

  it.each(cases)('killed just after $phase committed: the stored run is in $state, and resumes to completion once', async ({ phase, state }) => {
    const target = await openTarget({ kind: 'embedded', dataDir: await crashAt(`after-commit:${phase}`) });
    try {
      // The phase's commit reached the folder, and with it the write that stored the run in the phase before it began.
      expect(await count(target, 'SELECT count(*) AS n FROM cutter.phase_records WHERE phase = $1', [phase])).toBe(1);
      expect((await new PostgresRunStore((work) => target.admin(work)).find('crash-run'))?.run.state).toBe(state);
      await resumeToCompletion(target, 'crash-run');
    } finally {
      await target.close();
    }
  }, 120_000);

  it.each(cases.slice(0, 2))('killed just before $phase committed: nothing of it remains, the run is in $state or where it was before, and resumes once', async ({ phase, state, before }) => {
    const target = await openTarget({ kind: 'embedded', dataDir: await crashAt(`before-commit:${phase}`) });
    try {
      expect(await count(target, 'SELECT count(*) AS n FROM cutter.phase_records WHERE phase = $1', [phase])).toBe(0);
      expect([before, state]).toContain((await new PostgresRunStore((work) => target.admin(work)).find('crash-run'))?.run.state);
      await resumeToCompletion(target, 'crash-run');
    } finally {
      await target.close();
    }
  }, 120_000);
});
