import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, initialTransition } from 'xstate';
import { runMachine } from '../../../machines/run-machine.js';
import type { PrecheckOutput } from '../../../machines/run-types.js';
import type { PersistedRun, SnapshotMigration } from '../../../machines/snapshot-migrations.js';
import { CURRENT_RELEASE, type MachineRelease } from '../../../src/runs/upgrade/release.js';
import { snapshotProblems } from '../../../src/runs/upgrade/snapshot-problems.js';
import { journalVersions, upgradeJournal } from '../../../src/runs/upgrade/upgrade-journal.js';
import { upgradeSnapshot } from '../../../src/runs/upgrade/upgrade-snapshot.js';
import type { JournalEntry } from '../../../src/runs/run-store.js';

const input = { runId: 'r-1', mode: 'LIVE', initiator: 'carol', expectedPlanHash: null } as const;
const persisted = (value: unknown, extra: Partial<PersistedRun> = {}): PersistedRun => {
  const [initial] = initialTransition(runMachine, input);
  const base = runMachine.getPersistedSnapshot(initial) as unknown as PersistedRun;
  return { ...base, value, ...extra };
};
/** A release one version on, whose machine is this build's (the migration alone is under test). */
const nextRelease = (migration: Omit<SnapshotMigration, 'from' | 'to'>): MachineRelease => ({
  version: CURRENT_RELEASE.version + 1,
  machine: runMachine,
  migrations: [...CURRENT_RELEASE.migrations, { from: CURRENT_RELEASE.version, to: CURRENT_RELEASE.version + 1, ...migration }],
});
const V = CURRENT_RELEASE.version;

describe('upgradeSnapshot', () => {
  it('leaves a snapshot of this version as it is', () => {
    const snapshot = persisted('awaitingCutApproval');
    expect(upgradeSnapshot('r-1', snapshot, V, CURRENT_RELEASE)).toEqual({ kind: 'current', version: V, snapshot });
  });

  it('refuses a snapshot of a newer version, naming both', () => {
    expect(() => upgradeSnapshot('r-1', persisted('idle'), V + 1, CURRENT_RELEASE)).toThrow(`snapshot version ${V + 1}, written by a newer Cutter; this build reads versions up to ${V}`);
  });

  it('renames a state by its longest renamed prefix, and keeps the rest of its path', () => {
    // The stored state is an old name; the migration maps it (and a shorter, decoy prefix) onto this machine's states.
    const release = nextRelease({ summary: 's', states: { tornRun: 'torn', 'tornRun.waitingForSG3': 'torn.awaitingCompensationApproval' } });
    const upgrade = upgradeSnapshot('r-1', persisted({ tornRun: 'waitingForSG3' }), V, release);
    expect(upgrade).toMatchObject({ kind: 'migrated', from: V, to: V + 1, steps: [`${V} → ${V + 1}: s`], snapshot: { value: { torn: 'awaitingCompensationApproval' } } });
    expect(upgradeSnapshot('r-1', persisted({ tornRun: 'awaitingCompensationApproval' }), V, release).snapshot?.value).toEqual({ torn: 'awaitingCompensationApproval' });
  });

  it('strands a run whose state is gone, keeping its context, with the reason as its error', () => {
    const release = nextRelease({ summary: 'drops halted', states: { halted: null } });
    const context = { ...persisted('halted').context, committed: ['cut'], haltedBefore: 'recordingLedger' };
    const upgrade = upgradeSnapshot('r-1', persisted('halted', { context }), V, release);
    expect(upgrade).toMatchObject({ kind: 'stranded', reason: `its state halted is gone in snapshot version ${V + 1} (drops halted)` });
    expect(upgrade.snapshot).toMatchObject({ value: 'stranded', status: 'active', children: {}, context: { committed: ['cut'], haltedBefore: 'recordingLedger', error: { code: 'E_RUN_STRANDED' } } });
  });

  it('strands a run no migration reaches, and one whose result the machine would not restore', () => {
    const noStep: MachineRelease = { ...CURRENT_RELEASE, version: V + 1 };
    expect(upgradeSnapshot('r-1', persisted('awaitingCutApproval'), V, noStep)).toMatchObject({ kind: 'stranded', reason: `this build has no migration from snapshot version ${V} to ${V + 1}` });
    const addsField = nextRelease({ summary: 'adds a field', context: (c) => ({ ...c, quorumOverride: null }) });
    expect(upgradeSnapshot('r-1', persisted('awaitingCutApproval'), V, addsField)).toMatchObject({ kind: 'stranded', reason: 'its context has fields this machine does not know: quorumOverride' });
  });

  it('an ended run that cannot be carried has no snapshot to continue from', () => {
    const release = nextRelease({ summary: 's', states: { completed: null } });
    expect(upgradeSnapshot('r-1', persisted('completed', { status: 'done' }), V, release)).toMatchObject({ kind: 'stranded', snapshot: null });
  });

  it('applies context defaults and the whole-snapshot rule, in that order', () => {
    const release = nextRelease({
      summary: 's',
      context: (c) => ({ ...c, tornReason: c.tornReason ?? 'default' }),
      snapshot: (s) => ({ ...s, context: { ...s.context, initiator: `${String(s.context.initiator)}!` } }),
    });
    expect(upgradeSnapshot('r-1', persisted('awaitingCutApproval'), V, release).snapshot?.context).toMatchObject({ tornReason: 'default', initiator: 'carol!' });
  });
});

describe('snapshotProblems', () => {
  /** A run stored while its precheck was in flight. */
  const inFlight = (): PersistedRun => {
    const machine = runMachine.provide({ actors: { precheck: fromPromise<PrecheckOutput, { runId: string; mode: 'LIVE' | 'DRYRUN' }>(() => new Promise(() => undefined)) }, guards: { executorReady: () => true } });
    const actor = createActor(machine, { input }).start();
    actor.send({ type: 'START' });
    const stored = actor.getPersistedSnapshot() as unknown as PersistedRun;
    actor.stop();
    return stored;
  };

  it('accepts a snapshot the machine restores as it is', () => {
    expect(snapshotProblems(runMachine, inFlight())).toEqual([]);
  });

  it('names a missing actor in flight, a renamed one, and one the state does not invoke', () => {
    const stored = inFlight();
    const child = stored.children.precheck;
    if (child === undefined) throw new Error('precheck is not in flight');
    expect(snapshotProblems(runMachine, { ...stored, children: {} })).toEqual([expect.stringContaining("invokes 'precheck', which is not among its actors in flight (it would wait for ever)")]);
    expect(snapshotProblems(runMachine, { ...stored, children: { precheck: { ...child, src: 'check' } } })).toEqual(["its actor 'precheck' runs 'check', where this machine invokes 'precheck'"]);
    expect(snapshotProblems(runMachine, { ...stored, children: { ...stored.children, cut: child } })).toEqual(["it has an actor 'cut' in flight that its state precheck does not invoke"]);
  });

  it('names a state that does not exist, one that is not a leaf, a done run not at a final state, and missing context', () => {
    const { error: _error, ...withoutError } = persisted('idle').context;
    expect(snapshotProblems(runMachine, persisted('nowhere'))).toEqual(['its state nowhere does not exist in this machine']);
    expect(snapshotProblems(runMachine, persisted('torn'))).toEqual(['its state torn is not a leaf state in this machine']);
    expect(snapshotProblems(runMachine, persisted('halted', { status: 'done' }))).toEqual(['it is done, but halted is not a final state']);
    expect(snapshotProblems(runMachine, persisted('idle', { context: withoutError }))).toEqual(['its context lacks error']);
  });
});

describe('the journal across versions', () => {
  const entry = (seq: number, event: JournalEntry['event']): JournalEntry => ({ seq, at: '2026-01-01T00:00:00.000Z', event });
  const migrated = (from: number, to: number) => ({ type: 'cutter.migrated', from, to, outcome: 'migrated', steps: [], by: { pid: 1, host: 'h', cutter: 'x' }, snapshot: null });

  it('is of the version of its first migration until it, then of each migration\'s target', () => {
    const journal = [entry(1, { type: 'xstate.init' }), entry(2, migrated(1, 2)), entry(3, { type: 'START' }), entry(4, migrated(2, 3)), entry(5, { type: 'START' })];
    expect(journalVersions(journal, 3)).toEqual([1, 1, 2, 2, 3]);
    expect(journalVersions([entry(1, { type: 'START' })], 7)).toEqual([7]);
  });

  it('brings old events over by the migrations: renamed actors, the run input, other rules; later ones untouched', () => {
    const release = nextRelease({
      summary: 's',
      actors: { enact: { id: 'enactment', src: 'enact' } },
      input: (i) => ({ ...i, policyHash: null }),
      event: (e) => (e.type === 'RESUME' ? { ...e, by: `${String(e.by)} (old)` } : e),
    });
    const journal = [
      entry(1, { type: 'xstate.init', input }),
      entry(2, { type: 'xstate.error.actor.enact', error: {} }),
      entry(3, { type: 'RESUME', by: 'dave' }),
      entry(4, migrated(V, V + 1)),
      entry(5, { type: 'xstate.done.actor.enact' }),
    ];
    expect(upgradeJournal(journal, V + 1, release).map((e) => e.event)).toEqual([
      { type: 'xstate.init', input: { ...input, policyHash: null } },
      { type: 'xstate.error.actor.enactment', error: {} },
      { type: 'RESUME', by: 'dave (old)' },
      migrated(V, V + 1),
      { type: 'xstate.done.actor.enact' },
    ]);
  });
});
