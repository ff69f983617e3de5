import { join } from 'node:path';
import type { Command } from 'commander';
import type { Cutplan } from '../../domain/cutplan.js';
import { Mode } from '../../domain/mode.js';
import { DryRunSimulator, type SimulatedAddress } from '../../executors/simulator.js';
import { InMemoryKillSwitch } from '../../kill-switch/index.js';
import { loadPlanSources } from '../../planning/index.js';
import { snapshotBackupRunner } from '../../postgres/backups/snapshot-runner.js';
import { PostgresLiveExecutionAdapter } from '../../postgres/postgres-adapter.js';
import { maskDsn } from '../../postgres/providers/mask-dsn.js';
import { DemoTargetRefused } from '../../errors/index.js';
import type { Run } from '../../runner/create-run.js';
import { PostgresRunStore } from '../../postgres/run-store.js';
import { createDurableRun, type DurableRunOptions } from '../../runs/durable-run.js';
import { cliLogger } from '../cli-logger.js';
import { stderrProgress } from '../progress-printer.js';
import { openTarget, type OpenTarget, type TargetConfig } from '../../postgres/open-target.js';
import { demoApprovers } from '../demo-approvers.js';
import { giveBackKillSwitch, takeKillSwitch } from '../demo/demo-kill-switch.js';
import { driveWithDemoApprovals } from '../demo/drive-with-demo-approvals.js';
import { printLedger } from '../demo/print-ledger.js';
import { ExitCode, exitCodeForView } from '../exit-codes.js';
import { packageRoot } from '../../package-root.js';
import { reportRunProgress } from '../run-reporter.js';
import { targetFromOptions, withTargetOptions, type TargetOptions } from '../target-options.js';
import type { Terminal } from '../terminal.js';
import { initTarget } from './init.js';
import { countsLine, planAgainstTarget } from '../plan-against-target.js';
import { counted } from '../../text/plural.js';

interface DemoOptions extends TargetOptions {
  readonly json: boolean;
  readonly dryRunOnly: boolean;
  readonly allowRealTarget: boolean;
}

/**
 * A run stored in the target's run store, as `cutter run` stores one, so that `cutter list`, `status <run>`,
 * `report <run>` and `replay <run>` find the demo's runs afterwards. Released (the hold on it dropped) once it ended.
 */
async function storedRun<T>(target: OpenTarget, options: Omit<DurableRunOptions, 'store' | 'hold' | 'logger'>, drive: (run: Run) => Promise<T>): Promise<T> {
  const run = await createDurableRun({ ...options, store: new PostgresRunStore((work) => target.admin(work)), hold: { command: 'cutter demo' }, logger: cliLogger() });
  try {
    return await drive(run);
  } finally {
    await run.release();
  }
}

/** DRYRUN first: what a LIVE run would write, phase by phase, predicted from what the target holds. */
async function dryRun(plan: Cutplan, target: ReadonlyMap<string, SimulatedAddress>, stored: OpenTarget, terminal: Terminal, json: boolean) {
  const simulator = new DryRunSimulator({ target });
  const approvers = demoApprovers();
  if (!json) terminal.line(terminal.bold('\n1. DRYRUN: what a LIVE run would write (the simulator answers; nothing is written)'));
  const end = await storedRun(stored, { mode: Mode.DryRun, plan, executor: simulator, initiator: approvers.initiator, approvals: approvers.policy }, async (run) => {
    const stop = json ? () => undefined : reportRunProgress(run, terminal);
    try {
      return await driveWithDemoApprovals(run, approvers, terminal, json);
    } finally {
      stop();
    }
  });
  const writes = end.context.changeSet === null ? [] : simulator.simulatedWrites(end.context.changeSet.changeSetId);
  if (!json) {
    terminal.line(`  would write ${counted(writes.length, 'IU')}: ${writes.slice(0, 4).map((w) => `${w.address} v${w.version}`).join(', ')}${writes.length > 4 ? ', …' : ''}`);
  }
  return { end, writes };
}

/**
 * LIVE on the target. The in-memory switch is ON for this run only. The database's switch is the operator's: if it is
 * OFF the demo turns it ON for this run and afterwards puts back exactly what was there (state, who, why, when); if
 * it is ON it is left alone.
 */
async function liveRun(plan: Cutplan, target: OpenTarget, terminal: Terminal, json: boolean) {
  const killSwitch = new InMemoryKillSwitch(true);
  const taken = await takeKillSwitch(target);
  try {
    const adapter = new PostgresLiveExecutionAdapter({ killSwitch, connectionProvider: target.provider, backupRunner: snapshotBackupRunner, onProgress: stderrProgress() });
    const approvers = demoApprovers();
    if (!json) terminal.line(terminal.bold(`\n2. LIVE on ${target.description} (${taken.set === null ? 'kill switch already ON: left as it is' : 'kill switch ON for this run only'})`));
    return await storedRun(target, { mode: Mode.Live, plan, executor: adapter, killSwitch, initiator: approvers.initiator, approvals: approvers.policy }, async (run) => {
      const stop = json ? () => undefined : reportRunProgress(run, terminal);
      try {
        return await driveWithDemoApprovals(run, approvers, terminal, json);
      } finally {
        stop();
      }
    });
  } finally {
    killSwitch.turnOff();
    const ended = await giveBackKillSwitch(target, taken);
    if (ended === 'changed-by-someone-else') terminal.error(terminal.yellow('kill switch: changed by someone else during the demo; their setting stands, the demo did not put back the one it found'));
  }
}

/**
 * The demo signs its own approvals and writes LIVE: it runs on the embedded database unless the operator says, with
 * `--allow-real-target`, that this PostgreSQL database may take that. Checked before connecting, so a refusal reads
 * and writes nothing.
 */
function demoTarget(options: DemoOptions): TargetConfig {
  const config = targetFromOptions(options);
  if (config.kind !== 'embedded' && !options.allowRealTarget) throw new DemoTargetRefused(`PostgreSQL ${maskDsn(config.dsn)}`);
  return config;
}

/**
 * The main job of `npm start`: initialise the target (the embedded database in .cutter/ unless told otherwise), plan
 * the example documents, show a DRYRUN of them, then carry them through a LIVE run with signed demo approvals and
 * print the result and the ledger. A second run with unchanged documents says so and writes nothing.
 */
export async function runDemo(sources: readonly string[], options: DemoOptions, terminal: Terminal): Promise<ExitCode> {
  const paths = sources.length > 0 ? sources : [join(packageRoot(), 'examples', 'docs')];
  const fullPlan = await loadPlanSources(paths);
  const config = demoTarget(options);
  if (config.kind === 'postgres') terminal.error(terminal.yellow(`demo on a real target (--allow-real-target): it writes LIVE to PostgreSQL ${maskDsn(config.dsn)} with approvals it signs itself`));
  const target = await openTarget(config);
  try {
    if (!options.json) {
      terminal.line(terminal.bold('Cutter demo: plan the example documents, dry-run them, then run them LIVE on a local target'));
      terminal.line(terminal.dim(`sources: ${paths.join(', ')} (${counted(fullPlan.rows.length, 'IU')})`));
    }
    const report = await initTarget(target, options.json ? { ...terminal, line: () => undefined } : terminal, false);
    if (report.rolesPending !== null) return ExitCode.Refused;

    const classified = await planAgainstTarget(target, fullPlan, {});
    const plan = classified.plan;
    if (plan === null) {
      if (options.json) terminal.line(JSON.stringify({ nothingChanged: true, target: target.description }, null, 2));
      else {
        terminal.line(terminal.green(`\nNothing changed: all ${counted(fullPlan.rows.length, 'IU')} are already in the target with the same content. Nothing was written.`));
        terminal.line(terminal.dim('Edit a document under examples/docs (or pass your own sources) and run again.'));
        await printLedger(target, terminal);
      }
      return ExitCode.Ok;
    }
    if (!options.json) terminal.line(`changes: ${countsLine(classified)}`);

    const dry = await dryRun(plan, classified.target, target, terminal, options.json);
    if (dry.end.output?.status !== 'completed' || options.dryRunOnly) {
      if (options.json) terminal.line(JSON.stringify({ dryRunId: dry.end.context.runId, dryRun: dry.end.output, wouldWrite: dry.writes }, null, 2));
      return exitCodeForView(dry.end);
    }
    const live = await liveRun(plan, target, terminal, options.json);
    if (options.json) {
      terminal.line(JSON.stringify({ target: target.description, dryRunId: dry.end.context.runId, runId: live.context.runId, dryRun: dry.end.output, live: live.output ?? { state: live.state } }, null, 2));
    } else {
      terminal.line(`\nLIVE run ${live.context.runId} ended ${live.output?.status === 'completed' ? terminal.green(live.state) : terminal.red(live.state)}` +
        (live.output?.error === null || live.output?.error === undefined ? '' : `: ${live.output.error.code} ${live.output.error.message}`));
      await printLedger(target, terminal);
      // Both runs are stored in the target, as any `cutter run` is: the commands of docs/getting-started.md find them.
      terminal.line(terminal.dim(`\nBoth runs are stored in the target: cutter list, cutter status ${live.context.runId}, cutter report ${live.context.runId}`));
    }
    return exitCodeForView(live);
  } finally {
    await target.close();
  }
}

/** Registers `cutter demo`. */
export function registerDemo(program: Command, terminal: Terminal, setExit: (code: ExitCode) => void): void {
  withTargetOptions(
    program
      .command('demo')
      .description('the npm start job: plan the example documents, dry-run them, then run them LIVE on a local target with demo approvals')
      .argument('[sources...]', 'Markdown/JSON/NDJSON files or folders to plan (default: the bundled examples/docs)'),
  )
    .option('--dry-run-only', 'stop after the DRYRUN run', false)
    .option('--allow-real-target', 'let the demo write LIVE, with its self-signed approvals, to the PostgreSQL database --database-url (or $CUTTER_DATABASE_URL) names; without it only the embedded database is accepted', false)
    .option('--json', 'print the runs\' output as JSON instead of the report', false)
    .action(async (sources: string[], options: DemoOptions) => {
      setExit(await runDemo(sources, options, terminal));
    });
}
