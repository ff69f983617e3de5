import type { Command } from 'commander';
import { RUN_SNAPSHOT_VERSION } from '../../../machines/snapshot-version.js';
import { CutterError } from '../../errors/index.js';
import { LATEST_SCHEMA_VERSION, schemaVersionOf } from '../../postgres/migrations/index.js';
import { openTarget } from '../../postgres/open-target.js';
import { PostgresRunStore } from '../../postgres/run-store.js';
import { viewOfStoredRun } from '../../runs/upgrade/stored-view.js';
import { ExitCode } from '../exit-codes.js';
import { targetFromOptions, withTargetOptions, type TargetOptions } from '../target-options.js';
import type { Terminal } from '../terminal.js';

/** The first schema version with the run store (migration 5): older targets hold no runs. */
const RUNS_SCHEMA_VERSION = 5;

interface CheckOptions extends TargetOptions {
  readonly json: boolean;
  readonly all: boolean;
}

/** One run, as this build would carry it. */
interface RunCheck {
  readonly runId: string;
  readonly storedVersion: number;
  readonly state: string;
  /** `current`, `migrates`, `stranded`, `newer` (stored by a newer release: refused), or `unreadable`. */
  readonly outcome: string;
  readonly detail: string;
}

function checkRun(run: Parameters<typeof viewOfStoredRun>[0], snapshot: unknown): RunCheck {
  const base = { runId: run.runId, storedVersion: run.snapshotVersion, state: run.state };
  if (snapshot === null) return { ...base, outcome: run.snapshotVersion > RUN_SNAPSHOT_VERSION ? 'newer' : 'current', detail: 'never started' };
  try {
    const { upgrade } = viewOfStoredRun(run, snapshot);
    if (upgrade.kind === 'current') return { ...base, outcome: 'current', detail: '' };
    if (upgrade.kind === 'migrates') return { ...base, outcome: 'migrates', detail: upgrade.steps.join('; ') };
    return { ...base, outcome: 'stranded', detail: upgrade.reason };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ...base, outcome: run.snapshotVersion > RUN_SNAPSHOT_VERSION ? 'newer' : 'unreadable', detail: error instanceof CutterError ? `${error.code}: ${message}` : message };
  }
}

/** Registers `cutter upgrade-check`: before and after an upgrade, what this build will do with the target and its runs. */
export function registerUpgradeCheck(program: Command, terminal: Terminal, setExit: (code: ExitCode) => void): void {
  withTargetOptions(
    program
      .command('upgrade-check')
      .description(
        "read-only: the target's schema and every run not yet ended, as this build would carry them (current, migrates, stranded, or stored by a newer release and refused); exit 4 if the target or any run cannot go on under this build",
      ),
  )
    .option('--all', 'also list runs that have ended', false)
    .option('--json', 'print JSON', false)
    .action(async (options: CheckOptions) => {
      const target = await openTarget(targetFromOptions(options, process.env, 'read'));
      try {
        const schemaVersion = await target.admin((s) => schemaVersionOf(s));
        const schema = schemaVersion > LATEST_SCHEMA_VERSION ? 'newer' : schemaVersion < LATEST_SCHEMA_VERSION ? 'needs cutter init' : 'current';
        const store = PostgresRunStore.readOnly((work) => target.admin(work));
        const stored = schemaVersion >= RUNS_SCHEMA_VERSION ? await store.list() : [];
        const checks: RunCheck[] = [];
        for (const run of stored.filter((r) => options.all || r.status === 'active')) {
          checks.push(checkRun(run, (await store.find(run.runId))?.snapshot ?? null));
        }
        const blocked = schema === 'newer' || checks.some((c) => c.outcome === 'stranded' || c.outcome === 'newer' || c.outcome === 'unreadable');
        if (options.json) {
          terminal.line(JSON.stringify({
            target: target.description, schema: { version: schemaVersion, build: LATEST_SCHEMA_VERSION, standing: schema },
            snapshotVersion: RUN_SNAPSHOT_VERSION, runs: checks, ok: !blocked,
          }, null, 2));
        } else {
          terminal.line(`${terminal.bold('target')}   ${target.description}`);
          terminal.line(`${terminal.bold('schema')}   v${schemaVersion}; this build v${LATEST_SCHEMA_VERSION}: ${schema === 'newer' ? terminal.red('newer than this build: it refuses this target') : schema}`);
          terminal.line(`${terminal.bold('runs')}     ${checks.length} ${options.all ? 'stored' : 'not ended'}; this build writes snapshot version ${RUN_SNAPSHOT_VERSION}`);
          for (const c of checks) {
            const mark = c.outcome === 'current' || c.outcome === 'migrates' ? c.outcome : terminal.red(c.outcome);
            terminal.line(`  ${c.runId}  v${c.storedVersion}  ${c.state.padEnd(34)} ${mark}${c.detail === '' ? '' : terminal.dim(`  ${c.detail}`)}`);
          }
          terminal.line(blocked ? terminal.red('not ready: see above') : terminal.green('ok: this build can carry on every run listed'));
        }
        setExit(blocked ? ExitCode.Refused : ExitCode.Ok);
      } finally {
        await target.close();
      }
    });
}
