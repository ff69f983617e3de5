/**
 * A LIVE run on the embedded target, driven by real `cutter` processes whose output goes away early
 * (`cutter approve … | head -1`): the command stops writing but carries the run to where it parks or ends, releases
 * it, and exits with that outcome's code, so the next command acts at once (no E_RUN_BUSY). And a run whose process
 * died mid-phase: `cutter resume` says which phase it carries on.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { openTarget } from '../../src/postgres/open-target.js';
import { cliNodeArgs } from '../support/cli-node.js';

const exec = promisify(execFile);
let dir = '';
const env = () => ({ ...process.env, NO_COLOR: '1', CUTTER_EXECUTION_ENABLED: 'on' });
const cliWords = () => [process.execPath, ...cliNodeArgs()].map((a) => JSON.stringify(a)).join(' ');

/** One `cutter` process, to its end, whatever its exit code. */
async function cutter(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return exec(process.execPath, cliNodeArgs(...args), { cwd: dir, env: env() }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (error: unknown) => {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    },
  );
}

/** `cutter <args> <redirect> | head -1` in bash: what head printed, and cutter's own exit code (PIPESTATUS). */
async function cutterIntoHead(args: readonly string[], redirect = ''): Promise<{ first: string; code: number }> {
  const line = `${cliWords()} ${args.map((a) => JSON.stringify(a)).join(' ')} ${redirect} | head -1; echo "cutter-exit=\${PIPESTATUS[0]}" >&2`;
  const { stdout, stderr } = await exec('bash', ['-c', line], { cwd: dir, env: env() });
  const code = Number(/cutter-exit=(\d+)/.exec(stderr)?.[1] ?? -1);
  return { first: stdout, code };
}

const stateOf = async (runId: string) => JSON.parse((await cutter('status', runId, '--json')).stdout) as { state: string; status: string };
const approve = (runId: string, gate: 'cut' | 'enact', who: 'alice' | 'bob') =>
  ['approve', runId, '--gate', gate, '--as', who, '--key', `.cutter/keys/${who}.key`, '--reason', 'closed output', ...(gate === 'enact' ? ['--review-decision', 'RD-7'] : [])];

async function parkedLiveRun(doc: string): Promise<string> {
  await writeFile(join(dir, `${doc}.md`), `# ${doc}\n\nThe ${doc} policy.\n\n## Scope\n\nAll of ${doc}.\n`);
  const run = await cutter('run', `${doc}.md`, '--mode', 'live', '--initiator', 'carol', '--json');
  expect(run.code, run.stderr).toBe(ExitCode.Ok);
  return (JSON.parse(run.stdout) as { runId: string }).runId;
}

describe('a closed stdout or stderr never abandons a run (real processes, embedded target)', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cutter-closed-output-'));
    for (const who of ['alice', 'bob']) expect((await cutter('keys', 'generate', who)).code).toBe(ExitCode.Ok);
    await writeFile(join(dir, '.cutter', 'cutter.config.json'), JSON.stringify({ approvers: { alice: 'keys/alice.pub', bob: 'keys/bob.pub' } }));
    expect((await cutter('init')).code).toBe(ExitCode.Ok);
    expect((await cutter('kill-switch', 'on', '--as', 'ops', '--reason', 'closed-output test')).code).toBe(ExitCode.Ok);
  }, 120_000);
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('approve | head -1 carries the run to SG_2 and releases it; approve 2>&1 | head -1 completes it; each exits with its outcome', async () => {
    const runId = await parkedLiveRun('closed');

    const cut = await cutterIntoHead(approve(runId, 'cut', 'alice'));
    expect(cut.first).toMatch(/^▸ preWriteBackup/);
    expect(cut.code).toBe(ExitCode.Ok);
    // Parked at SG_2 and released: the next command acts on it at once, where it once got E_RUN_BUSY for 30 s.
    expect(await stateOf(runId)).toMatchObject({ state: 'awaitingEnactApproval', status: 'parked' });

    // Both streams into one pipe that closes: stderr's writes (a log line, a hint) must not stop it either.
    const enact = await cutterIntoHead(approve(runId, 'enact', 'bob'), '2>&1');
    expect(enact.first).toMatch(/^▸ lifecycleEnact/);
    expect(enact.code).toBe(ExitCode.Ok);
    expect(await stateOf(runId)).toMatchObject({ state: 'completed', status: 'completed' });
    expect((await cutter('ledger', 'verify')).code).toBe(ExitCode.Ok);
  }, 180_000);

  it('a run whose process died mid-phase: resume names the phase it carries on, and parks the run at SG_2', async () => {
    const runId = await parkedLiveRun('killed');
    const child = spawn(process.execPath, cliNodeArgs(...approve(runId, 'cut', 'alice')), { cwd: dir, env: env() });
    const ended = new Promise((resolve) => { child.on('close', resolve); });
    // Killed as soon as it reports the cut (the backup before it is stored by then): the run is active and held.
    let out = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('▸ cutLegA')) { child.kill('SIGKILL'); resolve(); }
      });
      // A child that ends on its own (refused, say) fails the state check below instead of hanging the test.
      child.on('close', () => { resolve(); });
    });
    await ended;
    const target = await openTarget({ kind: 'embedded', dataDir: join(dir, '.cutter') });
    try {
      const held = await target.admin((s) => s.query<{ state: string }>('SELECT state FROM cutter.runs WHERE run_id = $1', [runId]));
      expect(['backingUp', 'cutting', 'recordingLedger', 'verifying']).toContain(held.rows[0]?.state);
      // As if the dead process's hold had run out its 30 s.
      await target.admin((s) => s.query("UPDATE cutter.run_holds SET expires_at = now() - interval '1 second' WHERE run_id = $1", [runId]));
    } finally {
      await target.close();
    }
    const resumed = await cutter('resume', runId, '--as', 'ops');
    expect(resumed.code, resumed.stderr).toBe(ExitCode.Ok);
    expect(resumed.stdout).toMatch(/^▸ (preWriteBackup|cutLegA|legBRecord|writeVerify): .* \(carried on: the phase was in flight when its process stopped\)$/m);
    expect(resumed.stdout).toContain('▸ SG_2: waiting for approval of enactment');
    expect(await stateOf(runId)).toMatchObject({ state: 'awaitingEnactApproval', status: 'parked' });
  }, 180_000);
});
