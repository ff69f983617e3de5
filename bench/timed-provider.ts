import type { ConnectionProvider } from '../src/postgres/port.js';

/**
 * Wraps a provider so that the time each session is held (from checkout to release: one phase's transaction) is
 * summed. That sum is the phases' database time; a run's wall time minus it is what the statechart and the run
 * store add. Waiting for a session (PGlite's one connection) is not counted as the phase's.
 */
export function timedProvider(base: ConnectionProvider): { provider: ConnectionProvider; heldMs: () => number; reset: () => void } {
  let held = 0;
  const provider: ConnectionProvider = async (role) => {
    const session = await base(role);
    const start = performance.now();
    return {
      ...session,
      async release(broken) {
        held += performance.now() - start;
        await session.release(broken);
      },
    };
  };
  return { provider, heldMs: () => held, reset: () => { held = 0; } };
}
