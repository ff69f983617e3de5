/**
 * Watches the server while many runs go at once: every `everyMs`, what each of the bench's sessions (those of the
 * databases whose names start with `prefix`) is waiting on. A heavyweight-lock wait is traced to the sessions blocking
 * it (`pg_blocking_pids`): a blocker in another database would be one run waiting on another run's target. Other waits
 * (LWLock, IO, the WAL) are the server's shared resources, counted by kind.
 */
import pg from 'pg';

export interface WaitSummary {
  readonly samples: number;
  /** Sessions seen running a statement, summed over samples. */
  readonly activeSessionSamples: number;
  /** Of those, waiting, by `wait_event_type:wait_event` (CPU = not waiting). */
  readonly byWait: Readonly<Record<string, number>>;
  /** Heavyweight-lock waits whose blockers are all in the waiter's own database (another run on the same target). */
  readonly lockWaitsSameDatabase: number;
  /** Heavyweight-lock waits with a blocker in another database: one run waiting on another run's target. */
  readonly lockWaitsCrossDatabase: number;
  readonly crossDatabaseExamples: readonly string[];
  /** The statements seen waiting on a lock in their own database, with how many samples each (most first, up to 5). */
  readonly sameDatabaseWaiters: readonly { readonly query: string; readonly samples: number }[];
  /** Why sampling stopped early, if it did (the figures are then of the samples taken). */
  readonly error: string | null;
}

interface Row { datname: string; wait: string | null; blockers: string[] | null; query: string }

const SAMPLE_SQL = `
SELECT a.datname, CASE WHEN a.wait_event_type IS NULL THEN NULL ELSE a.wait_event_type || ':' || a.wait_event END AS wait,
       CASE WHEN a.wait_event_type = 'Lock' THEN
         (SELECT array_agg(coalesce(b.datname::text, '(shared)')) FROM pg_stat_activity b WHERE b.pid = ANY (pg_blocking_pids(a.pid)))
       END AS blockers,
       left(regexp_replace(a.query, '\\s+', ' ', 'g'), 100) AS query
FROM pg_stat_activity a
WHERE a.datname LIKE $1 AND a.state = 'active' AND a.pid <> pg_backend_pid()`;

export async function startWaitSampler(adminDsn: string, prefix: string, everyMs = 25): Promise<{ stop: () => Promise<WaitSummary> }> {
  const client = new pg.Client({ connectionString: adminDsn, application_name: 'cutter-bench-sampler' });
  await client.connect();
  const byWait: Record<string, number> = {};
  const examples: string[] = [];
  const waiters = new Map<string, number>();
  let samples = 0;
  let active = 0;
  let same = 0;
  let cross = 0;
  let stopped = false;
  let error: string | null = null;
  const loop = (async () => {
    while (!stopped) {
      const started = performance.now();
      const { rows } = await client.query<Row>(SAMPLE_SQL, [`${prefix}%`]);
      samples++;
      for (const r of rows) {
        active++;
        const key = r.wait ?? 'CPU';
        byWait[key] = (byWait[key] ?? 0) + 1;
        if (r.blockers === null || r.blockers.length === 0) continue;
        if (r.blockers.every((d) => d === r.datname)) {
          same++;
          waiters.set(r.query, (waiters.get(r.query) ?? 0) + 1);
        } else {
          cross++;
          if (examples.length < 5) examples.push(`${r.datname} waited (${r.wait ?? ''}) on ${r.blockers.join(', ')}: ${r.query}`);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, everyMs - (performance.now() - started))));
    }
  })().catch((caught: unknown) => { error = caught instanceof Error ? caught.message : String(caught); });
  return {
    async stop() {
      stopped = true;
      await loop;
      await client.end().catch(() => undefined);
      return { samples, activeSessionSamples: active, byWait, lockWaitsSameDatabase: same, lockWaitsCrossDatabase: cross, crossDatabaseExamples: examples,
        sameDatabaseWaiters: [...waiters].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([query, samples]) => ({ query, samples })), error };
    },
  };
}
