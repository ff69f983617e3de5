import type { ConnectionProvider } from '../src/postgres/port.js';

/**
 * Wraps a provider so that the time each phase session takes, from asking for it (checkout and `SET ROLE`) to the
 * end of its release (`RESET ROLE`), is summed. That sum is the phases' database time; a run's wall time minus it is
 * what the statechart and the run store add. On PGlite (one connection) it includes waiting for the connection,
 * which the run store's writes may hold.
 */
export function timedProvider(base: ConnectionProvider): { provider: ConnectionProvider; heldMs: () => number; reset: () => void } {
  let held = 0;
  const provider: ConnectionProvider = async (role) => {
    const start = performance.now();
    const session = await base(role);
    return {
      ...session,
      async release(broken) {
        try {
          await session.release(broken);
        } finally {
          held += performance.now() - start;
        }
      },
    };
  };
  return { provider, heldMs: () => held, reset: () => { held = 0; } };
}
