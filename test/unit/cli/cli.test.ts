import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { ExitCode } from '../../../src/cli/exit-codes.js';
import { captureTerminal } from '../../support/capture-terminal.js';

let dir = '';
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'cutter-cli-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('cutter CLI', () => {
  it('plan --out writes the change set, with each row\'s action, pinned by a hash the JSON summary repeats', async () => {
    const terminal = captureTerminal();
    const source = join(dir, 'policy.md');
    await writeFile(source, '# Policy\n\nIntro.\n\n## Scope\n\nEverything.\n');
    const out = join(dir, 'plan.json');
    // A target without the cutter schema holds nothing: every address is new.
    expect(await main(['plan', source, '--out', out, '--json', '--data-dir', join(dir, 'empty-target')], terminal)).toBe(ExitCode.Ok);
    const summary = JSON.parse(terminal.out.join('\n')) as { planHash: string; counts: Record<string, number>; addresses: { address: string; action: string }[] };
    const file = JSON.parse(await readFile(out, 'utf8')) as { format: string; planHash: string; rows: { action?: string }[] };
    expect(file).toMatchObject({ format: 'cutter-plan/2', planHash: summary.planHash });
    expect(file.rows.map((r) => r.action)).toEqual(['new', 'new']);
    expect(summary).not.toHaveProperty('changeSetId');
    expect(summary.counts).toEqual({ new: 2, changed: 0, retire: 0, unchanged: 0 });
    expect(summary.addresses.map((a) => `${a.action} ${a.address}`)).toEqual(['new policy/policy', 'new policy/policy/scope']);
  }, 30_000); // opens an embedded database (PGlite) for planning: about 4 s on a 2-core machine, near vitest's 5 s default

  it('a malformed plan exits 3 and names the row and field, with the error code and a hint', async () => {
    const terminal = captureTerminal();
    const source = join(dir, 'rows.json');
    await writeFile(source, JSON.stringify([{ address: 'a/b', title: 'T', body: 'ok' }, { address: 'a/b', title: '', body: 'x' }]));
    expect(await main(['plan', source], terminal)).toBe(ExitCode.InvalidInput);
    const text = terminal.err.join('\n');
    expect(text).toContain('E_PLAN_INVALID');
    expect(text).toContain('row 1 · title');
    expect(text).toContain('row 1 · address');
    expect(text).toContain('hint:');
  });

  it('chart prints the statechart generated from the machine, in Mermaid or DOT', async () => {
    const mermaid = captureTerminal();
    expect(await main(['chart'], mermaid)).toBe(ExitCode.Ok);
    expect(mermaid.out.join('\n')).toMatch(/^stateDiagram-v2/);
    expect(mermaid.out.join('\n')).toContain('awaitingEnactApproval');
    const dot = captureTerminal();
    expect(await main(['chart', '--format', 'dot'], dot)).toBe(ExitCode.Ok);
    expect(dot.out.join('\n')).toMatch(/^digraph/);
    expect(await main(['chart', '--format', 'png'], captureTerminal())).toBe(ExitCode.Usage);
  });

  it('config check refuses two approvers who are one person in canonical form, naming both (exit 3)', async () => {
    const terminal = captureTerminal();
    const config = join(dir, 'colliding.json');
    const pem = '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n';
    await writeFile(config, JSON.stringify({ approvers: { Carol: pem, 'ｃａｒｏｌ': pem, alice: pem } }));
    expect(await main(['config', 'check', '--config', config], terminal)).toBe(ExitCode.InvalidInput);
    expect(terminal.err.join('\n')).toMatch(/approvers\.ｃａｒｏｌ.*"Carol" and "ｃａｒｏｌ" are the same approver/);
  });

  it('an unknown command or option is a usage error (exit 2)', async () => {
    expect(await main(['frobnicate'], captureTerminal())).toBe(ExitCode.Usage);
    expect(await main(['plan', '--bogus', 'x'], captureTerminal())).toBe(ExitCode.Usage);
  });
});

describe('docs/cli.md', () => {
  it('documents every top-level command the CLI has', async () => {
    const { readFile } = await import('node:fs/promises');
    const { buildProgram } = await import('../../../src/cli/main.js');
    const doc = await readFile('docs/cli.md', 'utf8');
    const commands = buildProgram(captureTerminal(), () => undefined).commands.map((c) => c.name());
    expect(commands.filter((name) => !doc.includes(`\`cutter ${name}`))).toEqual([]);
  });

  it('a run command on a target without the cutter schema says to run cutter init, and exits 4 (also for a nested new folder)', async () => {
    const terminal = captureTerminal();
    expect(await main(['list', '--data-dir', join(dir, 'fresh', 'nested', 'db')], terminal)).toBe(ExitCode.Refused);
    const text = terminal.err.join('\n');
    expect(text).toContain('E_TARGET_NOT_READY: the target has no cutter schema');
    expect(text).toContain('cutter init');
  }, 30_000);
});
