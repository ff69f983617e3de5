import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { InMemoryKillSwitch } from '../../src/kill-switch/index.js';
import { PostgresRunStore } from '../../src/postgres/run-store.js';
import { openTarget, type Target } from './targets.js';

/**
 * The hooks of a test file whose runs are stored in their target: opens a target of `kind` once, with a Postgres run
 * store in it, and hands both to `use`; before each test empties it and turns the kill switch ON again; closes it at
 * the end.
 */
export function onDurableTarget(kind: Target['kind'], killSwitch: InMemoryKillSwitch, use: (target: Target, store: PostgresRunStore) => void): void {
  let target: Target | undefined;
  beforeAll(async () => {
    const opened = await openTarget(kind);
    target = opened;
    use(opened, new PostgresRunStore((work) => opened.admin(work)));
  }, 60_000);
  afterAll(async () => { await target?.close(); });
  beforeEach(async () => {
    await target?.reset();
    killSwitch.turnOn();
  });
}
