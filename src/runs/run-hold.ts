import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { RunBusy } from './errors.js';
import type { HoldClaim, RunStore } from './run-store.js';

/** How a process holds the run it acts on (see {@link RunStore.hold}). */
export interface HoldOptions {
  /** What this process is doing, shown to whoever meets the run held (`cutter approve`); default `library`. */
  readonly command?: string;
  /** How long the hold lasts without renewal; renewed every third of it while held. Default 30 s. */
  readonly ttlSeconds?: number;
  /** How long to wait for a run another process holds before refusing (`E_RUN_BUSY`); default 0: refuse at once. */
  readonly waitMs?: number;
}

/** A hold this process has on a run: its token fences the run's writes and phases, until it is released. */
export interface RunHold {
  readonly token: string;
  /** Gives the hold back (and stops renewing it). Safe to call twice. */
  release(): Promise<void>;
}

const DEFAULT_TTL_SECONDS = 30;
const RETRY_MS = 250;

/** This process's claim to a run, as `options` shape it. */
export function holdClaimOf(options: HoldOptions, token: string = randomUUID()): HoldClaim {
  return { token, pid: process.pid, host: hostname(), command: options.command ?? 'library', ttlSeconds: Math.max(5, options.ttlSeconds ?? DEFAULT_TTL_SECONDS) };
}

/**
 * Takes the run for this process, waiting up to `options.waitMs` for another holder to finish; renews it every third
 * of its lifetime until released. A store without holds gives none (null): no exclusion, as before holds existed.
 * `token` is the hold's (made here unless given: a caller that must name it before the hold is taken makes it).
 *
 * @throws {@link RunBusy} naming the process that holds the run, when it still does after the wait.
 */
export async function holdRun(store: RunStore, runId: string, options: HoldOptions = {}, token: string = randomUUID()): Promise<RunHold | null> {
  if (store.hold === undefined) return null;
  const claim = holdClaimOf(options, token);
  const deadline = Date.now() + Math.max(0, options.waitMs ?? 0);
  for (;;) {
    const outcome = await store.hold(runId, claim);
    if (outcome.held) break;
    if (Date.now() >= deadline) throw new RunBusy(runId, outcome.holder);
    await new Promise((resolve) => setTimeout(resolve, Math.min(RETRY_MS, Math.max(1, deadline - Date.now()))));
  }
  return keptHold(store, runId, claim);
}

/** The hold of `claim`, taken by the caller (see {@link holdClaimOf}): renewed every third of its lifetime until released. */
export function keptHold(store: RunStore, runId: string, claim: HoldClaim): RunHold {
  const { ttlSeconds } = claim;
  // Renewal failures are left to the fence: a process that lost its hold has its next write refused.
  const heartbeat = setInterval(() => { void store.renewHold?.(runId, claim.token, ttlSeconds).catch(() => undefined); }, (ttlSeconds * 1000) / 3);
  heartbeat.unref();
  let released: Promise<void> | null = null;
  return {
    token: claim.token,
    release() {
      clearInterval(heartbeat);
      released ??= store.releaseHold?.(runId, claim.token) ?? Promise.resolve();
      return released;
    },
  };
}
