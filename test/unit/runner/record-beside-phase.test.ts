/**
 * Record before effect, with the record written beside the phase: a phase may start while the record of its start is
 * still being written only if its executor awaits that record before it commits; any other executor is entered only
 * once the record is written.
 */
import { createActor, toPromise, type AnyActorLogic } from 'xstate';
import { describe, expect, it } from 'vitest';
import { pinChangeSet } from '../../../src/domain/change-set.js';
import { Mode } from '../../../src/domain/mode.js';
import type { BackupResult } from '../../../src/domain/results.js';
import type { ExecutionContext } from '../../../src/executors/executor.js';
import { DryRunSimulator } from '../../../src/executors/simulator.js';
import { InMemoryKillSwitch } from '../../../src/kill-switch/index.js';
import { silentLogger } from '../../../src/logging/logger.js';
import { bindPhaseActors } from '../../../src/runner/phase-actors.js';
import { samplePlan } from '../../support/fixtures.js';

const plan = samplePlan(2);
const phaseInput = { runId: 'run-1', mode: Mode.DryRun, changeSet: pinChangeSet(plan, 'run-1', null) };

/** A simulator that notes, as its backup is entered, whether the record was written yet and what it was handed. */
class Watching extends DryRunSimulator {
  readonly entered: { recordWritten: boolean; handed: boolean }[] = [];
  constructor(readonly awaitsRecordBeforeCommit: boolean, private readonly written: () => boolean) {
    super();
  }
  override preWriteBackup(ctx: ExecutionContext): Promise<BackupResult> {
    this.entered.push({ recordWritten: this.written(), handed: ctx.recorded !== undefined });
    return super.preWriteBackup(ctx);
  }
}

function runActor(logic: AnyActorLogic, input: unknown): Promise<unknown> {
  const actor = createActor(logic, { input });
  const done = toPromise(actor);
  actor.start();
  return done;
}

/** A record still being written, finished by `write()`. */
function pendingRecord() {
  let written = false;
  let finish: () => void = () => undefined;
  const recorded = new Promise<void>((resolve) => { finish = resolve; });
  return { recorded, written: () => written, write: () => { written = true; finish(); } };
}

describe('a phase and the record of its start', () => {
  it('an executor that awaits the record before it commits is entered beside it, and handed it', async () => {
    const record = pendingRecord();
    const executor = new Watching(true, record.written);
    const actors = bindPhaseActors({ executor, killSwitch: new InMemoryKillSwitch(true), plan: { kind: 'rows', plan }, logger: silentLogger, beforeEffect: () => Promise.resolve({ recorded: record.recorded }) });
    const done = runActor(actors.backup, phaseInput);
    await new Promise((resolve) => setImmediate(resolve));
    expect(executor.entered).toEqual([{ recordWritten: false, handed: true }]);
    record.write();
    await done;
  });

  it('any other executor is entered only once the record is written, and is handed nothing', async () => {
    const record = pendingRecord();
    const executor = new Watching(false, record.written);
    const actors = bindPhaseActors({ executor, killSwitch: new InMemoryKillSwitch(true), plan: { kind: 'rows', plan }, logger: silentLogger, beforeEffect: () => Promise.resolve({ recorded: record.recorded }) });
    const done = runActor(actors.backup, phaseInput);
    await new Promise((resolve) => setImmediate(resolve));
    expect(executor.entered).toEqual([]);
    record.write();
    await done;
    expect(executor.entered).toEqual([{ recordWritten: true, handed: false }]);
  });

  it('a record that failed fails the phase before any other executor is entered', async () => {
    const executor = new Watching(false, () => false);
    const failed = Promise.reject(new Error('the run is no longer held'));
    failed.catch(() => undefined);
    const actors = bindPhaseActors({ executor, killSwitch: new InMemoryKillSwitch(true), plan: { kind: 'rows', plan }, logger: silentLogger, beforeEffect: () => Promise.resolve({ recorded: failed }) });
    await expect(runActor(actors.backup, phaseInput)).rejects.toThrow('the run is no longer held');
    expect(executor.entered).toEqual([]);
  });
});
