import type { AnyStateNode } from 'xstate';
import type { RunMachine } from '../../../machines/run-machine.js';
import type { PersistedRun } from '../../../machines/snapshot-migrations.js';
import { machineShape } from './release.js';

/** A state value (`{ torn: 'compensating' }`) as its dotted path; null for a value that is not one path. */
export function pathOfValue(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return null;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length !== 1) return null;
  const [key, inner] = entries[0] as [string, unknown];
  const rest = pathOfValue(inner);
  return rest === null ? null : `${key}.${rest}`;
}

/** `torn.compensating` → `{ torn: 'compensating' }`. */
export function valueOfPath(path: string): unknown {
  const [head = path, ...rest] = path.split('.');
  return rest.length === 0 ? head : { [head]: valueOfPath(rest.join('.')) };
}

/** The state nodes from the root to the one at `path`, or null if the machine has no such state. */
function nodesOnPath(machine: RunMachine, path: string): AnyStateNode[] | null {
  const nodes: AnyStateNode[] = [];
  let node: AnyStateNode = machine.root;
  for (const key of path.split('.')) {
    const next = node.states[key];
    if (next === undefined) return null;
    nodes.push(next);
    node = next;
  }
  return nodes;
}

/**
 * Why `snapshot` cannot be restored into `machine` as it is, or an empty list. xstate restores a snapshot naming a
 * state the machine lacks as an error, and one whose in-flight actor is missing or renamed as a run that waits for
 * ever with no error; a context without a field the machine's actions read fails later, in the middle of a step.
 * So a restored (or migrated) snapshot is checked for all three first: its state exists and is a leaf, the actors in
 * flight are exactly the ones its states invoke (by id and source), and its context has exactly the machine's fields.
 */
export function snapshotProblems(machine: RunMachine, snapshot: PersistedRun): string[] {
  const problems: string[] = [];
  const path = pathOfValue(snapshot.value);
  const nodes = path === null ? null : nodesOnPath(machine, path);
  if (path === null) problems.push(`its state value ${JSON.stringify(snapshot.value)} is not one state path`);
  else if (nodes === null) problems.push(`its state ${path} does not exist in this machine`);
  else if (nodes.at(-1)?.type === 'compound') problems.push(`its state ${path} is not a leaf state in this machine`);

  const leaf = nodes?.at(-1);
  if (leaf !== undefined && snapshot.status === 'done' && leaf.type !== 'final') problems.push(`it is done, but ${String(path)} is not a final state`);
  if (leaf !== undefined && snapshot.status === 'active' && leaf.type === 'final' && nodes?.length === 1) problems.push(`it is active at the final state ${String(path)}`);

  if (nodes !== null && snapshot.status === 'active') {
    const invoked = new Map(nodes.flatMap((n) => n.invoke.map((i) => [i.id, typeof i.src === 'string' ? i.src : '(inline)'] as const)));
    const children = snapshot.children;
    for (const [id, src] of invoked) {
      const child = children[id];
      if (child === undefined) problems.push(`its state ${String(path)} invokes '${id}', which is not among its actors in flight (it would wait for ever)`);
      else if (child.src !== src) problems.push(`its actor '${id}' runs '${child.src}', where this machine invokes '${src}'`);
    }
    for (const id of Object.keys(children)) {
      if (!invoked.has(id)) problems.push(`it has an actor '${id}' in flight that its state ${String(path)} does not invoke`);
    }
  }

  const fields = machineShape(machine).contextFields;
  const present = Object.keys(snapshot.context);
  const missing = fields.filter((f) => !present.includes(f));
  const extra = present.filter((f) => !fields.includes(f));
  if (missing.length > 0) problems.push(`its context lacks ${missing.join(', ')}`);
  if (extra.length > 0) problems.push(`its context has fields this machine does not know: ${extra.join(', ')}`);
  return problems;
}
