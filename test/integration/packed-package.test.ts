import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** What `npm pack` builds and ships the package from (package.json's `files`, and what its build reads). */
const PACKAGE_SOURCES = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'src', 'machines', 'docs', 'examples'];

/**
 * What a user gets from the registry: `npm pack` (which builds dist/), installed into an empty project. The CLI must
 * work through `npx cutter`, and both entry points of the exports map must import with their types beside them.
 */
describe('the packed package', () => {
  let root = '';
  let scratch = '';
  let install = { stdout: '', stderr: '' };
  const env = { ...process.env, NO_COLOR: '1', CUTTER_LOG_LEVEL: 'silent' };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'cutter-packed-'));
    // Packed from a copy of what the package is made from, as from a clone: `npm pack` runs prepack's build, which
    // must never rewrite this checkout's dist/ while other test files run the CLI from it (test/support/cli-node.ts).
    const source = join(root, 'source');
    for (const entry of PACKAGE_SOURCES) await cp(join(process.cwd(), entry), join(source, entry), { recursive: true });
    await symlink(join(process.cwd(), 'node_modules'), join(source, 'node_modules'));
    const { stdout } = await run(NPM, ['pack', '--pack-destination', root, '--silent'], { cwd: source, env });
    const tarball = join(root, stdout.trim().split('\n').at(-1) ?? '');
    scratch = join(root, 'project');
    await mkdir(scratch);
    await writeFile(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', version: '1.0.0', private: true, type: 'module' }));
    // As a user installs it, scripts allowed: npm must not ask to approve one (a `prepare` would be one, from a tarball).
    install = await run(NPM, ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline'], { cwd: scratch, env });
  }, 300_000);

  afterAll(async () => {
    if (root !== '') await rm(root, { recursive: true, force: true });
  });

  it('ships only the build, the docs and the bundled examples: no sources, tests or local state', async () => {
    const installed = join(scratch, 'node_modules', 'iu-cutter');
    const top = (await readdir(installed)).sort();
    expect(top).toEqual(['README.md', 'dist', 'docs', 'examples', 'package.json']);
    expect(await readdir(join(installed, 'examples'))).toEqual(['docs']);
    expect(await readdir(join(installed, 'dist', 'src'))).toContain('index.d.ts');
  });

  it('installs without an install script to approve: the build runs at pack time (prepack), not at install', () => {
    expect(install.stderr).not.toMatch(/install-scripts|prepare/);
  });

  it('its public types compile for a strict consumer without skipLibCheck (no TS7016 for pg, no missing @types)', async () => {
    await writeFile(join(scratch, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, skipLibCheck: false, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true },
      include: ['consumer.ts'],
    }));
    // Every entry point of the exports map, and the declarations that reach pg, pino, xstate and zod.
    await writeFile(join(scratch, 'consumer.ts'), [
      "import { createRun, createPgConnections, planFromMarkdown, InMemoryKillSwitch, type Cutplan, type PgConnectionConfig } from 'iu-cutter';",
      "import { runMachine } from 'iu-cutter/machine';",
      "const plan: Cutplan = planFromMarkdown([{ documentId: 'handbook', markdown: '# Retention\\nKeep 35 days.\\n' }]);",
      'const config: PgConnectionConfig | undefined = undefined;',
      'export const used = [createRun, createPgConnections, runMachine, new InMemoryKillSwitch(false), plan.rows.length, config];',
      '',
    ].join('\n'));
    const tsc = join(process.cwd(), 'node_modules', 'typescript', 'bin', 'tsc');
    const compiled = await run(process.execPath, [tsc, '-p', scratch], { cwd: scratch, env }).catch((error: unknown) => error as { code: number; stdout: string });
    expect(compiled.stdout).toBe('');
    expect('code' in compiled ? compiled.code : 0).toBe(0);
  }, 60_000);

  it('`npx cutter --help` lists the commands', async () => {
    const { stdout } = await run('npx', ['--no-install', 'cutter', '--help'], { cwd: scratch, env });
    expect(stdout).toContain('Usage: cutter');
    for (const command of ['init', 'plan', 'run', 'approve', 'status', 'kill-switch', 'ledger', 'demo']) expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  }, 30_000);

  it('`npx cutter demo --dry-run-only` plans the bundled examples from the installed package', async () => {
    const { stdout } = await run('npx', ['--no-install', 'cutter', 'demo', '--dry-run-only', '--json', '--data-dir', join(scratch, 'db')], { cwd: scratch, env });
    const report = JSON.parse(stdout) as { dryRun: { status: string }; wouldWrite: unknown[] };
    expect(report.dryRun.status).toBe('completed');
    expect(report.wouldWrite).toHaveLength(27);
  }, 60_000);

  it('both entry points of the exports map import by name', async () => {
    const script = "const m = await import('iu-cutter'); const c = await import('iu-cutter/machine'); console.log(JSON.stringify([typeof m.createRun, typeof m.createDurableRun, typeof c.runMachine]));";
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: scratch, env });
    expect(JSON.parse(stdout)).toEqual(['function', 'function', 'object']);
  }, 30_000);
});
