/**
 * `cutter replay` for people labels each record as `cutter status` does (issue 18): a gate's wait is `waiting` while
 * the run still waits on it, `waited` once the gate opened, never `refused`; a real refusal still reads `refused`.
 */
import { describe, expect, it } from 'vitest';
import { printReplayTimeline } from '../../../src/cli/replay-timeline.js';
import { replayJournal } from '../../../src/replay/replay-journal.js';
import type { StoredRunReplay } from '../../../src/replay/replay-stored-run.js';
import { captureTerminal } from '../../support/capture-terminal.js';
import { completedDryRun, quorumDryRun, type JournaledRun } from '../../support/journaled-runs.js';

/** The replay's printed lines under its steps: the records, each with its label. */
function recordLines(run: JournaledRun): string[] {
  const steps = replayJournal(run.journal);
  const replayed = steps.at(-1)?.view ?? run.view;
  const replay: StoredRunReplay = { run: run.stored, steps, stored: run.view, replayed, matches: { state: true, context: true, migrations: true } };
  const terminal = captureTerminal();
  printReplayTimeline(replay, terminal);
  return terminal.out.filter((line) => line.startsWith(' '.repeat(32))).map((line) => line.trim());
}

const WAIT = 'E_APPROVAL_QUORUM: SG_1 needs 2 approvals, has 1 (alice); 1 more from bob or erin';

describe('cutter replay: waits and refusals', () => {
  it('a 2-of-N gate after one approval is waiting, with its code once and no policy pseudo-gate', async () => {
    expect(recordLines(await quorumDryRun(false))).toEqual([`waiting ${WAIT}`]);
  });

  it('once a second approval opened the gate, the wait reads waited', async () => {
    expect(recordLines(await quorumDryRun(true))).toEqual([`waited ${WAIT}`]);
  });

  it('a refused approval still reads refused, naming its gate', async () => {
    expect(recordLines(await completedDryRun())).toEqual([expect.stringMatching(/^refused SG_1: E_APPROVAL_INVALID: .*self-approval/)]);
  });

  it('counts its steps in words: a run that never started replays in 1 step', async () => {
    const run = await quorumDryRun(false);
    const steps = replayJournal(run.journal.slice(0, 1));
    const terminal = captureTerminal();
    printReplayTimeline({ run: run.stored, steps, stored: run.view, replayed: run.view, matches: { state: true, context: true, migrations: true } }, terminal);
    expect(terminal.out[0]).toMatch(/: 1 step, no executor, read-only$/);
  });
});
