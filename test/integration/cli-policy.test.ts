/**
 * The approval policy through the CLI, each command a new process on one embedded database, as issue 16 checks it:
 * a 2-of-3 quorum with separation of duties; a policy changed under a parked run; an approval requested on the
 * machine that drives runs, signed on one with no database and no configuration, and applied with --file.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { cliNodeArgs } from '../support/cli-node.js';

const exec = promisify(execFile);
const live = { CUTTER_EXECUTION_ENABLED: 'on' };

interface Printed { runId: string; state: string; gate: string | null; status: string; refusal: string | null; waits: { code: string; reason: string } | null; next?: { event: string; needs: string[] }[] }

describe('the approval policy through the CLI (embedded database)', () => {
  let dir = '';
  const cutter = async (args: string[], env: Record<string, string> = {}, cwd = dir, dataDir: string | null = join(dir, 'db')) => {
    try {
      const { stdout, stderr } = await exec(process.execPath, cliNodeArgs(...args, ...(dataDir === null ? [] : ['--data-dir', dataDir])), { cwd, env: { ...process.env, ...env } });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  const printed = (text: string) => JSON.parse(text) as Printed;
  const config = (policy: unknown) => writeFile(join(dir, 'cutter.config.json'), JSON.stringify({
    approvers: { alice: 'alice.pub', bob: 'bob.pub', dave: 'dave.pub' },
    policy,
  }));
  const twoOfThree = { gates: { SG_1: { quorum: 2 } } };
  const approve = (runId: string, who: string, gate = 'cut', extra: string[] = []) =>
    cutter(['approve', runId, '--gate', gate, '--as', who, '--key', `${who}.key`, '--reason', `${who} reviewed it`, '--json', ...extra], live);
  const startRun = async (file: string) => {
    await writeFile(join(dir, file), `# ${file}\n\nText of ${file}.\n\n## Section\n\nMore of ${file}.\n`);
    const started = await cutter(['run', join(dir, file), '--mode', 'live', '--initiator', 'carol', '--json'], live);
    expect(started.code, started.stderr).toBe(ExitCode.Ok);
    return printed(started.stdout).runId;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cutter-cli-policy-'));
    for (const name of ['alice', 'bob', 'dave']) await exec(process.execPath, cliNodeArgs('keys', 'generate', name, '--out', dir), { cwd: dir });
    await config(twoOfThree);
    expect((await cutter(['init'])).code).toBe(0);
    expect((await cutter(['kill-switch', 'on', '--as', 'ops', '--reason', 'test window'])).code).toBe(0);
  }, 180_000); // five CLI processes: up to several seconds each on a loaded 2-core machine
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('2 of 3 with separation of duties: one approval parks and status names what is missing; the same person twice is refused; the SG_1 approver is refused at SG_2; a second person opens the gate', async () => {
    const runId = await startRun('quorum.md');

    const first = await approve(runId, 'alice');
    expect(first.code).toBe(ExitCode.Ok);
    expect(printed(first.stdout)).toMatchObject({ state: 'awaitingCutApproval', refusal: null, waits: { code: 'E_APPROVAL_QUORUM', reason: expect.stringContaining('SG_1 needs 2 approvals, has 1 (alice); 1 more from bob or dave') } });

    const status = printed((await cutter(['status', runId, '--json'])).stdout);
    expect(status.next?.find((s) => s.event === 'APPROVE')?.needs).toEqual(expect.arrayContaining([
      'E_APPROVAL_QUORUM: SG_1 needs 2 approvals, has 1 (alice); 1 more from bob or dave',
      expect.stringMatching(/^alice's approval counts; it expires in 23 h 59 min|^alice's approval counts; it expires in 1 d/),
    ]));
    // A wait, not a refusal, with its code once (walk finding 7).
    const waiting = (await cutter(['status', runId])).stdout;
    expect(waiting).toMatch(/^waiting {4}E_APPROVAL_QUORUM: SG_1 needs 2 approvals, has 1 \(alice\); 1 more from bob or dave$/m);
    expect(waiting).not.toMatch(/^refused|E_APPROVAL_QUORUM E_APPROVAL_QUORUM/m);
    // A resume that leaves the gate waiting exits 4 and says so, never that an approval was taken (it gave none).
    const resumed = await cutter(['resume', runId, '--as', 'ops'], live);
    expect(resumed.code).toBe(ExitCode.Refused);
    expect(resumed.stderr).toContain('waiting E_APPROVAL_QUORUM: SG_1 needs 2 approvals, has 1 (alice)');
    expect(resumed.stderr).not.toMatch(/approval was taken|refused E_APPROVAL_QUORUM/);

    const again = await approve(runId, 'alice');
    expect(again.code).toBe(ExitCode.Refused);
    expect(printed(again.stdout)).toMatchObject({ state: 'awaitingCutApproval', refusal: expect.stringContaining('E_APPROVAL_DUPLICATE') });

    const second = await approve(runId, 'bob');
    expect(second.code).toBe(ExitCode.Ok);
    expect(printed(second.stdout)).toMatchObject({ state: 'awaitingEnactApproval', waits: null });
    // Both approvals the quorum counted, not only the one that opened the gate.
    expect((await cutter(['status', runId])).stdout).toMatch(/^SG_1 {7}approved by alice: alice reviewed it\nSG_1 {7}approved by bob: bob reviewed it$/m);

    const sameAtSg2 = await approve(runId, 'alice', 'SG_2', ['--review-decision', 'RD-1']);
    expect(sameAtSg2.code).toBe(ExitCode.Refused);
    expect(printed(sameAtSg2.stdout).refusal).toContain('E_APPROVAL_SEPARATION: alice approved SG_1 of this run');

    const enact = await approve(runId, 'dave', 'enact', ['--review-decision', 'RD-1']);
    expect(printed(enact.stdout)).toMatchObject({ status: 'completed' });
    expect((await cutter(['ledger', 'verify'])).code).toBe(0);
  }, 180_000);

  it('a run created under one policy is not judged by another until a person binds it, and the binding is journalled', async () => {
    await config(twoOfThree);
    const runId = await startRun('rebind.md');
    await config({ gates: { SG_1: { quorum: 1 } } });

    const refused = await approve(runId, 'alice');
    expect(refused.code).toBe(ExitCode.Refused);
    expect(printed(refused.stdout).refusal).toContain('E_POLICY_CHANGED');

    expect((await cutter(['policy', 'bind', runId, '--as', 'ops', '--reason', 'the quorum was lowered on purpose', '--json'])).code).toBe(ExitCode.Ok);
    const opened = await approve(runId, 'alice');
    expect(printed(opened.stdout)).toMatchObject({ state: 'awaitingEnactApproval' });

    const journal = JSON.parse((await cutter(['status', runId, '--journal', '--json'])).stdout) as { journal: { event: { type: string; by?: string; reason?: string } }[] };
    expect(journal.journal.map((e) => e.event)).toContainEqual(expect.objectContaining({ type: 'BIND_POLICY', by: 'ops', reason: 'the quorum was lowered on purpose' }));
    await config(twoOfThree);
  }, 180_000);

  it('an approval requested here, signed on a machine with no database and no configuration, is applied with --file', async () => {
    await config({ gates: { SG_1: { quorum: 1 } } });
    const runId = await startRun('remote.md');
    const request = await cutter(['approval', 'request', runId, '--gate', 'SG_1', '--out', join(dir, 'req.json')]);
    expect(request.code, request.stderr).toBe(ExitCode.Ok);
    expect(JSON.parse(await readFile(join(dir, 'req.json'), 'utf8'))).toMatchObject({ format: 'cutter-approval-request/1', runId, gate: 'SG_1', counts: { rows: 2 } });

    // The approver's machine: only the request and their key; no config, no database folder, not even --data-dir.
    const elsewhere = join(dir, 'laptop');
    await mkdir(elsewhere);
    await writeFile(join(elsewhere, 'req.json'), await readFile(join(dir, 'req.json')));
    await writeFile(join(elsewhere, 'alice.key'), await readFile(join(dir, 'alice.key')));
    const signed = await cutter(['approval', 'sign', 'req.json', '--as', 'alice', '--key', 'alice.key', '--reason', 'read the diff', '--out', 'alice.approval.json'], { CUTTER_CONFIG: '' }, elsewhere, null);
    expect(signed.code, signed.stderr).toBe(ExitCode.Ok);

    await writeFile(join(dir, 'alice.approval.json'), await readFile(join(elsewhere, 'alice.approval.json')));
    const applied = await cutter(['approve', runId, '--file', 'alice.approval.json', '--json'], live);
    expect(applied.code, applied.stderr).toBe(ExitCode.Ok);
    expect(printed(applied.stdout)).toMatchObject({ state: 'awaitingEnactApproval', refusal: null });
    await config(twoOfThree);
  }, 180_000);
});
