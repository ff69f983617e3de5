import type { ReplayStep } from '../replay/replay-journal.js';
import type { StoredRunReplay } from '../replay/replay-stored-run.js';
import { counted } from '../text/plural.js';
import { refusalLine } from '../text/refusal-lines.js';
import type { Terminal } from './terminal.js';

/** A migration step, for people: the versions, and whether the journal arrived where the migration took the run. */
function migrationLine(migration: NonNullable<ReplayStep['migration']>, at: string, terminal: Terminal): string {
  const versions = `snapshot version ${migration.from} → ${migration.to}${migration.stored ? '' : ' (the next command that acts on the run stores it)'}`;
  if (migration.outcome === 'stranded') return terminal.yellow(`${versions}: stranded at ${at}; the journal before it is continued from the migration's snapshot`);
  return `${versions} at ${at}: ${migration.matches === false ? terminal.red('the journal replays elsewhere') : 'the journal arrives where the migration took it'}`;
}

/**
 * `cutter replay` for people: one line a step, and under it what was refused on the way, or what its gate waited for.
 * Each record is labelled as `cutter status` labels it (`refusalLine`): a wait the run still waits on is `waiting`,
 * one its gate has since passed `waited`; neither is a refusal.
 */
export function printReplayTimeline(replay: StoredRunReplay, terminal: Terminal): void {
  const { run, steps } = replay;
  terminal.line(`${terminal.bold('replay')} of run ${run.runId} (${run.mode}, started by ${run.initiator}): ${counted(steps.length, 'step')}, no executor, read-only`);
  const lastRecorded = steps.findLast((step) => step.refusals.length > 0)?.refusals.at(-1);
  for (const step of steps) {
    const move = step.kind === 'restore' ? terminal.dim(`restored at ${step.after}`) : step.migration === undefined ? `${step.before ?? '·'} → ${step.after}` : migrationLine(step.migration, step.after, terminal);
    terminal.line(`${String(step.seq).padStart(4)}  ${step.at}  ${step.event.padEnd(28)} ${move}`);
    for (const refusal of step.refusals) {
      const { label, text } = refusalLine(refusal, refusal === lastRecorded, replay.replayed.gate);
      terminal.line(`${' '.repeat(32)}${terminal.yellow(label)} ${text}`);
    }
  }
}
