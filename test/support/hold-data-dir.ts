/**
 * A process that opens an embedded database and keeps it open until it is killed: the holder for tests of what a
 * signal, or a crash, does to the folder's lock. Prints `ready <pid>` once it holds the folder.
 */
import { openEmbeddedDatabase } from '../../src/postgres/providers/pglite-provider.js';

const dataDir = process.argv[2];
if (dataDir === undefined) throw new Error('usage: hold-data-dir <data dir>');
const db = await openEmbeddedDatabase(dataDir, { command: 'test holder' });
await db.admin((session) => session.query('SELECT 1'));
process.stdout.write(`ready ${process.pid}\n`);
setInterval(() => undefined, 60_000);
