import type { Command } from 'commander';
import type { Snapshot } from 'xstate';
import { runMachine } from '../../../machines/run-machine.js';
import { viewOfStored } from '../../runner/run-view.js';
import { RunNotFound } from '../../runs/errors.js';
import { findRun } from '../../runs/run-store.js';
import { ExitCode } from '../exit-codes.js';
import { printRun, runJson } from '../print-run.js';
import { withRunSession, type SessionOptions } from '../run-session.js';
import { withTargetOptions } from '../target-options.js';
import type { Terminal } from '../terminal.js';

interface StatusOptions extends SessionOptions {
  readonly json: boolean;
}

/** Registers `cutter status` and `cutter list`: read-only views of stored runs. */
export function registerStatus(program: Command, terminal: Terminal, setExit: (code: ExitCode) => void): void {
  withTargetOptions(program.command('list').description('list the runs stored in the target'))
    .option('--json', 'print JSON', false)
    .action(async (options: StatusOptions) => {
      await withRunSession(options, async ({ store }) => {
        const runs = await store.list();
        if (options.json) terminal.line(JSON.stringify(runs, null, 2));
        else if (runs.length === 0) terminal.line('no runs');
        else for (const r of runs) terminal.line(`${r.runId}  ${r.mode.padEnd(6)} ${r.state.padEnd(34)} ${r.status.padEnd(20)} ${terminal.dim(`${r.initiator}, ${r.updatedAt}`)}`);
        setExit(ExitCode.Ok);
      });
    });

  withTargetOptions(program.command('status').description('show where a stored run is, what it did, and what can be done next').argument('[run]', 'run id (default: the most recent run)'))
    .option('--journal', 'also print the journal of events the run received', false)
    .option('--json', 'print JSON', false)
    .action(async (runId: string | undefined, options: StatusOptions & { journal: boolean }) => {
      await withRunSession(options, async ({ store }) => {
        const id = runId ?? (await store.list()).at(-1)?.runId;
        if (id === undefined) throw new RunNotFound('(none stored)');
        const loaded = await findRun(store, id);
        if (loaded === null) throw new RunNotFound(id);
        if (loaded.snapshot === null) throw new RunNotFound(`${id} (stored, but never started)`);
        const view = viewOfStored(runMachine, loaded.snapshot);
        const journal = options.journal ? await store.journal(id) : [];
        if (options.json) terminal.line(JSON.stringify({ ...runJson(view), stored: loaded.run, snapshot: loaded.snapshot as Snapshot<unknown> | null, journal }, null, 2));
        else {
          printRun(view, terminal);
          for (const entry of journal) terminal.line(`  ${String(entry.seq).padStart(3)} ${entry.at} ${entry.event.type}`);
        }
        setExit(ExitCode.Ok);
      });
    });
}
