/**
 * How each run fixture is made: a target with a history (an earlier run that enacted two IUs), then one run carried
 * by the real PostgreSQL adapter to the parking state the fixture is named after. Hooks around the adapter's phases
 * stand in for the faults that park runs in production: the kill switch turned OFF just after a commit, a failing
 * phase, a process that died between a commit and its record.
 */
import { validateCutplan, type Cutplan } from '../../../src/domain/cutplan.js';
import { StopInvariantFailed } from '../../../src/errors/index.js';
import { InMemoryKillSwitch } from '../../../src/kill-switch/index.js';
import { snapshotBackupRunner } from '../../../src/postgres/backups/snapshot-runner.js';
import type { ConnectionProvider, DbSession } from '../../../src/postgres/port.js';
import { PostgresRunStore } from '../../../src/postgres/run-store.js';
import type { Run } from '../../../src/runner/create-run.js';
import type { RunView } from '../../../src/runner/run-view.js';
import { createDurableRun } from '../../../src/runs/durable-run.js';
import { approvalFor, policy } from '../fixtures.js';
import { HookedAdapter, never, type HookedPhase, type PhaseHook } from './hooked-adapter.js';
import type { REQUIRED_FIXTURES } from './fixture-file.js';

export interface ScenarioTarget {
  readonly provider: ConnectionProvider;
  admin<T>(work: (session: DbSession) => Promise<T>): Promise<T>;
}

export interface Scenario {
  readonly name: (typeof REQUIRED_FIXTURES)[number];
  readonly description: string;
  readonly mode: 'LIVE' | 'DRYRUN';
  /** Leaves the run parked as the database would hold it; returns once the store shows it there. */
  park(run: Run, world: ScenarioWorld): Promise<void>;
  readonly hooks?: (world: ScenarioWorld) => Partial<Record<HookedPhase, PhaseHook>>;
}

export interface ScenarioWorld {
  readonly target: ScenarioTarget;
  readonly store: PostgresRunStore;
  readonly killSwitch: InMemoryKillSwitch;
  readonly runId: string;
}

const section = (address: string, title: string, body: string) => ({ address, title, body });

/** The history: the first change set of the target, enacted. */
export const HISTORY_PLAN: Cutplan = validateCutplan([
  section('handbook/backups/retention', 'Retention', 'Backups are kept for 35 days.'),
  section('handbook/backups/restore-drill', 'Restore drill', 'A restore is rehearsed every quarter.'),
]);

/** The parked run's change set: one address changed (version 2), one new. */
export const PARKED_PLAN: Cutplan = validateCutplan([
  section('handbook/backups/retention', 'Retention', 'Backups are kept for 90 days, and monthly ones for a year.'),
  section('handbook/backups/encryption', 'Encryption', 'Every dump is encrypted to the operations key before it leaves the host.'),
]);

export const HISTORY_RUN_ID = 'fixture-history';

/** Waits until the stored run is in `state` (the journal writes behind the run), and `also` holds if given. */
async function storedAt(world: ScenarioWorld, state: string, also: () => Promise<boolean> = () => Promise.resolve(true)): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    const found = await world.store.find(world.runId);
    if (found?.run.state === state && (await also())) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`run ${world.runId} never showed as stored at ${state}`);
}

const phaseRecorded = (world: ScenarioWorld, phase: string) => () =>
  world.target.admin(async (s) => (await s.query('SELECT 1 FROM cutter.phase_records WHERE run_id = $1 AND phase = $2', [world.runId, phase])).rows.length === 1);

const atGate = async (run: Run, gate: 'SG_1' | 'SG_2' | 'SG_3'): Promise<RunView> => {
  const view = await run.settled();
  if (view.gate !== gate) throw new Error(`expected the run at ${gate}, it is at ${view.state}`);
  return view;
};

const approveCut = async (run: Run) => { run.approve(approvalFor(await atGate(run, 'SG_1'), 'SG_1', 'alice')); };
const approveEnact = async (run: Run) => { run.approve(approvalFor(await atGate(run, 'SG_2'), 'SG_2', 'bob')); };

/** A hook that turns the kill switch OFF just after the phase committed: the machine's own lock then halts the run. */
const offAfterCommit = (world: ScenarioWorld): PhaseHook => async (proceed) => {
  const result = await proceed();
  world.killSwitch.turnOff();
  return result;
};

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'live-at-sg1', mode: 'LIVE', description: 'LIVE, planned and pinned, waiting at SG_1 for the cut to be approved',
    park: async (run) => { await atGate(run, 'SG_1'); },
  },
  {
    name: 'live-at-sg2', mode: 'LIVE', description: 'LIVE, cut, recorded and verified, waiting at SG_2 for enactment to be approved',
    park: async (run) => { await approveCut(run); await atGate(run, 'SG_2'); },
  },
  {
    name: 'live-rejected-at-sg2', mode: 'LIVE', description: 'LIVE, enactment rejected at SG_2: torn, waiting at SG_3 for compensation',
    park: async (run) => {
      await approveCut(run);
      await atGate(run, 'SG_2');
      run.reject('SG_2', 'bob', 'the review found the retention period wrong');
      await atGate(run, 'SG_3');
    },
  },
  {
    name: 'live-torn-enact-failed', mode: 'LIVE', description: 'LIVE, enactment failed (not resumable) after the cut committed: torn, waiting at SG_3',
    hooks: () => ({ lifecycleEnact: () => Promise.reject(new StopInvariantFailed('lifecycleEnact', { reason: 'fixture: an enactment that fails' })) }),
    park: async (run) => { await approveCut(run); await approveEnact(run); await atGate(run, 'SG_3'); },
  },
  {
    name: 'live-halted-before-backup', mode: 'LIVE', description: 'LIVE, SG_1 approved while another run held the target: the backup refused (E_TARGET_BUSY), halted before it',
    park: async (run, world) => {
      // Another run's lease on the target, as a run of another process holds it while it writes; short, so that it
      // has lapsed by the time the fixture is read, as it would have when an operator comes back to the run.
      await world.target.admin((s) => s.query("INSERT INTO cutter.target_lock (run_id, holder, expires_at) VALUES ('another-run', 'another-host:4242', now() + interval '2 seconds')"));
      await approveCut(run);
      await run.settled();
      await storedAt(world, 'halted');
      await new Promise((r) => setTimeout(r, 2500));
    },
  },
  {
    name: 'live-halted-before-cut', mode: 'LIVE', description: 'LIVE, halted by the kill switch after the backup committed, before the cut',
    hooks: (world) => ({ preWriteBackup: offAfterCommit(world) }),
    park: async (run, world) => { await approveCut(run); await run.settled(); await storedAt(world, 'halted'); },
  },
  {
    name: 'live-halted-before-ledger', mode: 'LIVE', description: 'LIVE, halted by the kill switch after the cut committed, before Leg B',
    hooks: (world) => ({ cutLegA: offAfterCommit(world) }),
    park: async (run, world) => { await approveCut(run); await run.settled(); await storedAt(world, 'halted'); },
  },
  {
    name: 'live-halted-before-verify', mode: 'LIVE', description: 'LIVE, halted by the kill switch after Leg B committed, before verification',
    hooks: (world) => ({ legBRecord: offAfterCommit(world) }),
    park: async (run, world) => { await approveCut(run); await run.settled(); await storedAt(world, 'halted'); },
  },
  {
    name: 'live-halted-before-enact', mode: 'LIVE', description: 'LIVE, SG_2 approved with the kill switch OFF: halted before enactment',
    park: async (run, world) => {
      await approveCut(run);
      const atEnact = await atGate(run, 'SG_2');
      world.killSwitch.turnOff();
      run.approve(approvalFor(atEnact, 'SG_2', 'bob'));
      await run.settled();
      await storedAt(world, 'halted');
    },
  },
  {
    name: 'live-mid-cut-committed', mode: 'LIVE', description: 'LIVE, the process died after the cut committed and before the run recorded it (stored at cutting)',
    hooks: () => ({ cutLegA: async (proceed) => { await proceed(); return never(); } }),
    park: async (run, world) => { await approveCut(run); await storedAt(world, 'cutting', phaseRecorded(world, 'cutLegA')); },
  },
  {
    name: 'live-mid-cut-uncommitted', mode: 'LIVE', description: 'LIVE, the process died in the cut before its transaction committed (stored at cutting)',
    hooks: () => ({ cutLegA: () => never() }),
    park: async (run, world) => { await approveCut(run); await storedAt(world, 'cutting'); },
  },
  {
    name: 'live-mid-enact-committed', mode: 'LIVE', description: 'LIVE, the process died after enactment committed and before the run recorded it (stored at enacting)',
    hooks: () => ({ lifecycleEnact: async (proceed) => { await proceed(); return never(); } }),
    park: async (run, world) => { await approveCut(run); await approveEnact(run); await storedAt(world, 'enacting', phaseRecorded(world, 'lifecycleEnact')); },
  },
  {
    name: 'live-compensated', mode: 'LIVE', description: 'LIVE, rejected at SG_2 and compensated after SG_3: ended (its journal is replayed)',
    park: async (run) => {
      await approveCut(run);
      await atGate(run, 'SG_2');
      run.reject('SG_2', 'bob', 'withdrawn');
      run.approve(approvalFor(await atGate(run, 'SG_3'), 'SG_3', 'erin'));
      await run.done();
    },
  },
  {
    name: 'dryrun-at-sg1', mode: 'DRYRUN', description: 'DRYRUN, waiting at SG_1 (its plan stored with the run)',
    park: async (run) => { await atGate(run, 'SG_1'); },
  },
  {
    name: 'dryrun-at-sg2', mode: 'DRYRUN', description: 'DRYRUN, simulated through the cut, waiting at SG_2',
    park: async (run) => { await approveCut(run); await atGate(run, 'SG_2'); },
  },
];

/** A live adapter on the scenario's target, with its hooks. */
export function adapterFor(target: ScenarioTarget, killSwitch: InMemoryKillSwitch, hooks: Partial<Record<HookedPhase, PhaseHook>> = {}): HookedAdapter {
  return new HookedAdapter({ killSwitch, connectionProvider: target.provider, backupRunner: snapshotBackupRunner }, hooks);
}

/** The history every fixture's target holds: an earlier LIVE run, completed. */
export async function makeHistory(target: ScenarioTarget, store: PostgresRunStore): Promise<void> {
  const killSwitch = new InMemoryKillSwitch(true);
  const run = await createDurableRun({ store, runId: HISTORY_RUN_ID, mode: 'LIVE', plan: HISTORY_PLAN, initiator: 'carol', approvals: policy, executor: adapterFor(target, killSwitch), killSwitch });
  run.start();
  await approveCut(run);
  await approveEnact(run);
  const output = await run.done();
  if (output.status !== 'completed') throw new Error(`the history run ended ${output.status}`);
}

/** Creates the scenario's run on `target` and parks it; returns the run, still held in this process. */
export async function parkScenario(scenario: Scenario, target: ScenarioTarget, store: PostgresRunStore, runId: string): Promise<Run> {
  const killSwitch = new InMemoryKillSwitch(true);
  const world: ScenarioWorld = { target, store, killSwitch, runId };
  const executor = scenario.mode === 'LIVE' ? { executor: adapterFor(target, killSwitch, scenario.hooks?.(world)) } : {};
  const run = await createDurableRun({ store, runId, mode: scenario.mode, plan: PARKED_PLAN, initiator: 'carol', approvals: policy, killSwitch, ...executor });
  run.start();
  await scenario.park(run, world);
  return run;
}
