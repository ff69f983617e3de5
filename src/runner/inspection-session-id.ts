import { randomBytes } from 'node:crypto';

let processTag: string | null = null;

/**
 * This process, as inspection session ids name it: its pid and a random part (a pid is reused once the process is
 * gone). Made on first use, not at import.
 */
export function inspectionProcessTag(): string {
  processTag ??= `${process.pid}-${randomBytes(3).toString('hex')}`;
  return processTag;
}

/**
 * The session id a watcher sees for one actor of a run: `<run id>/<pid>-<random>/<xstate's id>`.
 *
 * Why: xstate numbers the actors of a process from `x:0`, so every process's first run is `x:0`, and a viewer that
 * several processes stream to (the Stately inspector behind `cutter inspector`) would draw their events as one actor.
 * With the run and the process in the id, two runs never share one, in one process or in two.
 *
 * @example
 * inspectionSessionId('6f1c…', 'x:0') // '6f1c…/48213-9ae04b/x:0'
 */
export function inspectionSessionId(runId: string, localId: string): string {
  return `${runId}/${inspectionProcessTag()}/${localId}`;
}
