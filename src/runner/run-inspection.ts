import type { AnyActorRef, InspectionEvent, Observer, Snapshot } from 'xstate';
import { inspectionSessionId } from './inspection-session-id.js';
import { sanitizeForInspection } from './sanitize-for-inspection.js';

/**
 * Watches a run: receives xstate's inspection events (`@xstate.actor`, `@xstate.event`, `@xstate.snapshot`,
 * `@xstate.microstep`, `@xstate.action`), for example `@statelyai/inspect`'s `inspector.inspect`. The same type as
 * the `inspect` option of xstate's `createActor`.
 *
 * What it receives is sanitised (see `sanitizeForInspection`): no IU bodies, no approval signatures, no DSNs, keys
 * or tokens. Every `actorRef` / `sourceRef` in an event is a read-only stand-in: it has the actor's `id`,
 * `sessionId`, `_parent`, its machine definition (`logic.config`) and a `getSnapshot()` that returns the sanitised
 * plain snapshot; its `send` throws, so a watcher can never drive the run. Session ids (and `rootId`) name the run
 * and the process as well as xstate's own id (`<run id>/<pid>-<random>/x:0`), so that runs of several processes
 * watched in one viewer never share one.
 */
export type RunInspector = Observer<InspectionEvent> | ((event: InspectionEvent) => void);

/** A snapshot as a watcher sees it: plain JSON, sanitised. */
export interface InspectedSnapshot {
  readonly status: Snapshot<unknown>['status'];
  readonly value?: unknown;
  readonly context?: unknown;
  readonly input?: unknown;
  readonly output?: unknown;
  readonly error?: unknown;
  /** The ids of the actors the run has invoked at this moment. */
  readonly children?: Readonly<Record<string, { readonly id: string }>>;
  readonly tags?: readonly string[];
}

/** Reduces a snapshot of any actor (the run's machine, a phase's promise) to what a watcher may see. */
export function inspectedSnapshotOf(snapshot: unknown): InspectedSnapshot {
  const s = (snapshot ?? {}) as Record<string, unknown>;
  const status = (['active', 'done', 'error', 'stopped'] as const).find((known) => known === s.status) ?? 'active';
  const plain: Record<string, unknown> = { status };
  for (const key of ['value', 'context', 'input', 'output', 'error'] as const) {
    if (s[key] !== undefined) plain[key] = sanitizeForInspection(s[key]);
  }
  if (s.children !== null && typeof s.children === 'object') {
    plain.children = Object.fromEntries(Object.keys(s.children).map((id) => [id, { id }]));
  }
  if (s.tags instanceof Set) plain.tags = [...(s.tags as Set<unknown>)].map(String);
  return plain as unknown as InspectedSnapshot;
}

type StandIn = Pick<AnyActorRef, 'id' | 'sessionId' | 'send' | 'getSnapshot'> & { _parent?: StandIn; logic?: { config: unknown } };

const refused = (): never => {
  throw new Error('a watched run is read-only: send events through the Run, not its inspection events');
};

/** Makes the session ids of one run's actors unique across runs and processes (see `inspectionSessionId`). */
type QualifySessionId = (localId: string) => string;

/** The read-only stand-in of one actor, made once per actor so identities stay stable for the watcher. */
function standInFor(ref: AnyActorRef, cache: WeakMap<object, StandIn>, qualify: QualifySessionId): StandIn {
  const known = cache.get(ref);
  if (known !== undefined) return known;
  const config = (ref as { logic?: { config?: unknown } }).logic?.config;
  const standIn: StandIn = {
    id: ref.id,
    sessionId: qualify(ref.sessionId),
    send: refused,
    getSnapshot: () => inspectedSnapshotOf(ref.getSnapshot()),
    // A machine's definition is structure only (states, transitions, guard names); a promise's "config" is its code.
    ...(config !== null && typeof config === 'object' ? { logic: { config } } : {}),
    ...(ref._parent === undefined ? {} : { _parent: standInFor(ref._parent, cache, qualify) }),
  };
  cache.set(ref, standIn);
  return standIn;
}

/**
 * Wraps a watcher of the run `runId` so it only ever receives sanitised inspection events, with session ids unique
 * to this run and process. Returns a plain function to hand to `createActor({ inspect })`.
 */
export function sanitizedInspector(watcher: RunInspector, runId: string): (event: InspectionEvent) => void {
  const cache = new WeakMap<object, StandIn>();
  const qualify: QualifySessionId = (localId) => inspectionSessionId(runId, localId);
  const deliver = typeof watcher === 'function' ? watcher : (event: InspectionEvent) => { watcher.next?.(event); };
  return (event) => {
    deliver(sanitizeInspectionEvent(event, cache, qualify));
  };
}

function sanitizeInspectionEvent(event: InspectionEvent, cache: WeakMap<object, StandIn>, qualify: QualifySessionId): InspectionEvent {
  const actorRef = standInFor(event.actorRef as AnyActorRef, cache, qualify) as unknown as AnyActorRef;
  const base = { rootId: qualify(event.rootId), actorRef };
  switch (event.type) {
    case '@xstate.actor':
      return { ...base, type: event.type };
    case '@xstate.event':
      return {
        ...base,
        type: event.type,
        event: sanitizeForInspection(event.event) as { type: string },
        sourceRef: event.sourceRef === undefined ? undefined : standInFor(event.sourceRef as AnyActorRef, cache, qualify),
      };
    case '@xstate.snapshot':
    case '@xstate.transition':
      return { ...base, type: event.type, event: sanitizeForInspection(event.event) as { type: string }, snapshot: inspectedSnapshotOf(event.snapshot) } as InspectionEvent;
    case '@xstate.microstep':
      // The transitions taken are the machine's own definition objects; the snapshot says where they led.
      return { ...base, type: event.type, event: sanitizeForInspection(event.event) as { type: string }, snapshot: inspectedSnapshotOf(event.snapshot), _transitions: [] } as InspectionEvent;
    case '@xstate.action':
      return { ...base, type: event.type, action: { type: event.action.type, params: sanitizeForInspection(event.action.params) } };
  }
}
