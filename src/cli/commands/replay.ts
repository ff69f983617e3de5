import type { Command } from 'commander';
import { runMachine } from '../../../machines/run-machine.js';
import { openTarget } from '../../postgres/open-target.js';
import { PostgresRunStore } from '../../postgres/run-store.js';
import type { ReplayStep } from '../../replay/replay-journal.js';
import { assertReplayMatches, replayStoredRun, type StoredRunReplay } from '../../replay/replay-stored-run.js';
import { inspectionSessionId } from '../../runner/inspection-session-id.js';
import { inspectedSnapshotOf } from '../../runner/run-inspection.js';
import type { RunView } from '../../runner/run-view.js';
import { ExitCode } from '../exit-codes.js';
import { withInspectOptions, withInspector, type InspectOptions } from '../inspect-option.js';
import type { SocketInspector } from '../inspect-socket.js';
import { printReplayTimeline } from '../replay-timeline.js';
import { targetFromOptions, withTargetOptions, type TargetOptions } from '../target-options.js';
import type { Terminal } from '../terminal.js';

interface ReplayOptions extends TargetOptions, InspectOptions {
  readonly json: boolean;
}

/** How a run stands, in one word: its final status, `parked`, or the machine's status. */
const standing = (view: RunView): string => view.output?.status ?? (view.parked ? 'parked' : view.status);

/** A step as `--json` prints it. */
function stepJson(step: ReplayStep): Record<string, unknown> {
  const { view, ...rest } = step;
  return { ...rest, status: standing(view), gate: view.gate, context: view.context };
}

/** `torn.compensating` → `{ torn: 'compensating' }`: the state value the inspector draws. */
function valueOf(path: string): unknown {
  const [head = path, ...rest] = path.split('.');
  return rest.length === 0 ? head : { [head]: valueOf(rest.join('.')) };
}

/** Streams the rebuilt snapshots, sanitised, as one actor's history. */
function streamReplay(replay: StoredRunReplay, socket: SocketInspector): void {
  const first = replay.steps[0];
  if (first === undefined) return;
  const snapshotOf = (step: ReplayStep) => inspectedSnapshotOf({ status: step.view.status, value: valueOf(step.after), context: step.view.context, output: step.view.output ?? undefined });
  const ref = {
    id: 'run',
    // Unique per process too: two replays of one run streamed to one viewer are two actors, not one.
    sessionId: inspectionSessionId(`replay:${replay.run.runId}`, 'run'),
    logic: { config: runMachine.config },
    getSnapshot: () => snapshotOf(replay.steps.at(-1) ?? first),
    send: () => { throw new Error('a replay is read-only'); },
  };
  socket.inspector.actor(ref, snapshotOf(first));
  for (const step of replay.steps) {
    const event = { type: step.event };
    socket.inspector.event(ref, event);
    socket.inspector.snapshot(ref, snapshotOf(step), { event });
  }
}

/** Registers `cutter replay`: rebuild a stored run from its journal, read-only, and check it against the snapshot. */
export function registerReplay(program: Command, terminal: Terminal, setExit: (code: ExitCode) => void): void {
  withInspectOptions(withTargetOptions(
    program
      .command('replay')
      .description('rebuild every step of a stored run from its journal with pure transitions (no executor, read-only) and check it arrives where the stored run is (exit 7 with E_REPLAY_DIVERGED if not)')
      .argument('<run>', 'run id'),
  ))
    .option('--json', 'print the steps as JSON', false)
    .action(async (runId: string, options: ReplayOptions) => {
      const target = await openTarget(targetFromOptions(options, process.env, 'read'));
      try {
        const replay = await replayStoredRun(PostgresRunStore.readOnly((work) => target.admin(work)), runId);
        await withInspector(options, terminal, (socket) => {
          if (socket !== null) streamReplay(replay, socket);
          return Promise.resolve();
        });
        if (options.json) terminal.line(JSON.stringify(replay.steps.map(stepJson), null, 2));
        else printReplayTimeline(replay, terminal);
        assertReplayMatches(replay);
        if (!options.json) terminal.line(`${terminal.green('ok')}: the journal replays to ${replay.replayed.state} [${standing(replay.replayed)}], as the stored run (state and context match)`);
        setExit(ExitCode.Ok);
      } finally {
        await target.close();
      }
    });
}
