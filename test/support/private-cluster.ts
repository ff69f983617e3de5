/**
 * A PostgreSQL server of the test's own: initdb in a temporary folder, started on a free port, restartable and
 * stoppable without touching the machine's shared server (which other test files use at the same time). Uses the
 * server binaries of the installed PostgreSQL; as root it runs them as the `postgres` user (initdb refuses root).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';

const run = promisify(execFile);
const ROOT = '/usr/lib/postgresql';

/** The server binaries' folder (the newest installed major version), or null when there are none. */
async function findBinaries(): Promise<string | null> {
  if (!existsSync(ROOT)) return null;
  const versions = (await readdir(ROOT)).filter((v) => existsSync(join(ROOT, v, 'bin', 'pg_ctl'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? null : join(ROOT, versions[0], 'bin');
}

/** True when a private server can be made here: the binaries exist, and as root the `postgres` user does too. */
export async function canRunPrivateCluster(): Promise<boolean> {
  if ((await findBinaries()) === null) return false;
  if (process.getuid?.() !== 0) return true;
  return run('id', ['-u', 'postgres']).then(() => true, () => false);
}

export interface PrivateCluster {
  readonly dsn: string;
  /** Stops the server (fast shutdown: every session is ended) and starts it again. */
  restart(): Promise<void>;
  /** Stops the server until `start`; connections are refused meanwhile. */
  shutDown(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server for good and removes its folder. */
  stop(): Promise<void>;
}

export async function startPrivateCluster(): Promise<PrivateCluster> {
  const bin = await findBinaries();
  if (bin === null) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql');
  const asRoot = process.getuid?.() === 0;
  const exec = (tool: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), args));
  const dir = await mkdtemp(join(tmpdir(), 'cutter-cluster-'));
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    await chown(dir, Number(stdout.trim()), -1);
  }
  const data = join(dir, 'data');
  const port = await freePort();
  const options = ['-o', `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off`];
  await exec('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const start = async () => { await exec('pg_ctl', ['-D', data, ...options, '-l', join(dir, 'server.log'), '-w', 'start']); };
  await start();
  return {
    start,
    shutDown: async () => { await exec('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']); },
    dsn: `postgres://postgres@127.0.0.1:${port}/postgres`,
    restart: async () => { await exec('pg_ctl', ['-D', data, ...options, '-l', join(dir, 'server.log'), '-m', 'fast', '-w', 'restart']); },
    stop: async () => {
      await exec('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
