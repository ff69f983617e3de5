import { randomBytes } from 'node:crypto';
import { realpath, rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import pg from 'pg';
import { InvalidInput } from '../../errors/index.js';
import type { OpenTarget, TargetConfig } from '../open-target.js';
import type { DbSession } from '../port.js';
import { maskDsn } from '../providers/mask-dsn.js';
import { withPoolSession } from '../providers/pg-provider.js';
import { openEmbeddedDatabase } from '../providers/pglite-provider.js';
import { ensurePrivateFolder } from './private-files.js';

/** Where a restore writes: a scratch database it created, a database the operator named, or the target itself. */
export interface RestoreDestination {
  /** For people and the ledger: a masked DSN or a folder. */
  readonly description: string;
  /** What the operator types to confirm overwriting it: the database's name, or the folder's. */
  readonly confirmName: string;
  /** The DSN, when a PostgreSQL database (pg_restore writes through it); null for an embedded folder. */
  readonly dsn: string | null;
  /** Created empty by this restore: a dump may be restored straight into it. */
  readonly scratch: boolean;
  /** The very database the backup was taken of. */
  readonly isSource: boolean;
  admin<T>(work: (session: DbSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** A scratch destination only: closes it and removes it (a restore that failed leaves no half-restored scratch). */
  discard?(): Promise<void>;
}

const isDsn = (into: string): boolean => /^postgres(?:ql)?:\/\//i.test(into);

/** A name for a scratch database or folder: `cutter_restore_<backup>_<random>`, safe as an unquoted identifier. */
function scratchName(backupId: string): string {
  const tag = backupId.replace(/^(dump|snap)-/, '').replace(/[^a-z0-9]/gi, '').slice(0, 8).toLowerCase();
  return `cutter_restore_${tag}_${randomBytes(3).toString('hex')}`;
}

function dsnWithDatabase(dsn: string, database: string): string {
  const url = new URL(dsn);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

function pgDestination(dsn: string, options: { scratch: boolean; isSource: boolean; onClose?: () => Promise<void> }): RestoreDestination {
  const pool = new pg.Pool({ connectionString: dsn, max: 2 });
  pool.on('error', () => undefined);
  return {
    description: `PostgreSQL ${maskDsn(dsn)}`,
    confirmName: decodeURIComponent(new URL(dsn).pathname.replace(/^\//, '')),
    dsn,
    scratch: options.scratch,
    isSource: options.isSource,
    admin: (work) => withPoolSession(pool, work),
    async close() {
      await pool.end();
      await options.onClose?.();
    },
  };
}

/** Creates an empty database on the server `adminDsn` names (its user needs CREATEDB) and opens it. */
export async function createScratchDatabase(adminDsn: string, backupId: string, options: { dropOnClose?: boolean } = {}): Promise<RestoreDestination> {
  const name = scratchName(backupId);
  const root = new pg.Client({ connectionString: adminDsn });
  await root.connect();
  try {
    await root.query(`CREATE DATABASE ${name}`);
  } finally {
    await root.end();
  }
  const drop = async (): Promise<void> => {
    const client = new pg.Client({ connectionString: adminDsn });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await client.end();
    }
  };
  const destination = pgDestination(dsnWithDatabase(adminDsn, name), { scratch: true, isSource: false, ...(options.dropOnClose === true ? { onClose: drop } : {}) });
  return { ...destination, async discard() { await destination.close(); if (options.dropOnClose !== true) await drop(); } };
}

/** The folder name of a scratch restore: the backup id, then the UTC time to the second and a random tag (`…-20261206T031500Z-3fa2`). */
function scratchFolderName(backupId: string, now: Date): string {
  const stamp = now.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
  return `${backupId.replace(/[^a-z0-9-]/gi, '')}-${stamp}-${randomBytes(2).toString('hex')}`;
}

/**
 * Creates an embedded database in a new private folder (0700) inside `parent`, `<backup id>-<UTC stamp>-<random>`,
 * and opens it. The CLI's `parent` is `.cutter/restores` in the working folder, so a scratch restore is one more of
 * Cutter's files there: ignored by git like the rest, never a stray folder beside the target.
 */
export async function createScratchFolder(parent: string, backupId: string): Promise<RestoreDestination> {
  const folder = join(resolve(parent), scratchFolderName(backupId, new Date()));
  await ensurePrivateFolder(folder);
  const db = await openEmbeddedDatabase(folder);
  return {
    description: `embedded database in ${folder}`, confirmName: basename(folder), dsn: null, scratch: true, isSource: false,
    admin: (work) => db.admin(work),
    close: () => db.close(),
    async discard() {
      await db.close();
      await rm(folder, { recursive: true, force: true });
    },
  };
}

/** Who a PostgreSQL session is connected to: the server (by its start time) and the database. */
async function identityOf(session: DbSession): Promise<string> {
  const { rows } = await session.query<{ id: string }>("SELECT pg_postmaster_start_time()::text || '/' || current_database() AS id");
  return rows[0]?.id ?? '';
}

/**
 * Opens the destination `--into` names: a PostgreSQL DSN, or a folder for an embedded database. It is the source
 * (`isSource`) when it is the same database, however named: the same folder, or the same server (by its start time)
 * and database name, so another spelling of the host cannot slip past the confirmation.
 */
export async function openIntoDestination(into: string, source: { config: TargetConfig; target: OpenTarget }): Promise<RestoreDestination> {
  if (isDsn(into)) {
    if (!URL.canParse(into)) throw new InvalidInput('into', `${maskDsn(into)} is not a PostgreSQL URL (postgres://user@host:port/database)`);
    const destination = pgDestination(into, { scratch: false, isSource: false });
    if (source.config.kind !== 'postgres') return destination;
    const [mine, theirs] = await Promise.all([destination.admin(identityOf), source.target.admin(identityOf)]);
    return mine === theirs ? { ...destination, isSource: true } : destination;
  }
  const folder = resolve(into);
  if (source.config.kind === 'embedded') {
    const dataDir = source.config.dataDir;
    const [a, b] = await Promise.all([realpath(folder).catch(() => folder), realpath(dataDir).catch(() => dataDir)]);
    // The source is already open in this process: use it, never open its folder twice.
    if (a === b) return { description: source.target.description, confirmName: basename(folder), dsn: null, scratch: false, isSource: true, admin: (work) => source.target.admin(work), close: () => Promise.resolve() };
  }
  const db = await openEmbeddedDatabase(folder);
  return { description: `embedded database in ${folder}`, confirmName: basename(folder), dsn: null, scratch: false, isSource: false, admin: (work) => db.admin(work), close: () => db.close() };
}
