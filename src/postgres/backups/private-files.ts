import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, mkdir, open, stat } from 'node:fs/promises';
import { BackupFolderUnsafe } from '../../errors/index.js';

/** The modes a backup folder and a backup file get: only their owner may read them. */
export const PRIVATE_FOLDER_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Makes sure `folder` exists and only its owner can enter it. A folder Cutter creates is created 0700 (parents too). An
 * existing folder with any group or world bit, or owned by another user, is refused rather than tightened: it may be
 * shared on purpose, and changing its mode behind the operator's back would surprise whoever shares it.
 */
export async function ensurePrivateFolder(folder: string): Promise<void> {
  try {
    await mkdir(folder, { recursive: true, mode: PRIVATE_FOLDER_MODE });
  } catch (error) {
    throw new BackupFolderUnsafe(folder, `cannot be created (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const info = await stat(folder);
  if (!info.isDirectory()) throw new BackupFolderUnsafe(folder, 'is not a folder');
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) throw new BackupFolderUnsafe(folder, `is owned by uid ${info.uid}, not by this process (uid ${uid})`);
  const loose = info.mode & 0o077;
  if (loose !== 0) throw new BackupFolderUnsafe(folder, `has mode ${(info.mode & 0o777).toString(8).padStart(4, '0')} (group or others may ${(loose & 0o044) !== 0 ? 'read' : 'enter'} it)`);
}

/**
 * Creates an empty file only its owner may read, refusing to reuse an existing one. A tool then writes into it
 * (opening it truncates, and keeps the mode), so a dump is never readable by others, even while being written.
 */
export async function createPrivateFile(path: string): Promise<void> {
  const handle = await open(path, 'wx', PRIVATE_FILE_MODE);
  await handle.close();
  // The umask may have taken bits away, never added any; chmod states the mode outright.
  await chmod(path, PRIVATE_FILE_MODE);
}

/** The sha256 of a file, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
