import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AppError } from '../../common/errors';

/**
 * Writes a file so that it is either the old version or the new one whole, never torn:
 * a temporary file beside it, flushed, renamed over it, and the rename itself flushed.
 * Private to the user (0600), as everything in the data folder.
 */
export async function writeFileDurably(path: string, data: string | Buffer): Promise<void> {
  const dir = dirname(path);
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`);
    const handle = await fs.open(tmp, 'wx', 0o600);
    try {
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(tmp, path);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
  } catch (err) {
    throw storageError(err, path);
  }
  await syncDir(dir);
}

/**
 * A failed write of a data file as people need to hear it: which file, why, and what to do.
 * Failures that are not about the disk pass through as they are.
 */
export function storageError(err: unknown, path: string): unknown {
  const where = `${basename(path)} in ${dirname(path)}`;
  switch ((err as NodeJS.ErrnoException | null)?.code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new AppError('DiskFull', `Could not save ${where}: the disk is full. Free some space, then try again.`);
    case 'EFBIG':
      return new AppError('DiskFull', `Could not save ${where}: the file would exceed the size limit set for this session. Raise the limit (ulimit -f) or free space, then try again.`);
    case 'EROFS':
      return new AppError('DataFolderReadOnly', `Could not save ${where}: that disk is read-only. Make it writable, or use another data folder, then try again.`);
    case 'EACCES':
    case 'EPERM':
      return new AppError('DataFolderReadOnly', `Could not save ${where}: this account may not write there. Make the folder writable for you, or use another data folder, then try again.`);
    default:
      return err;
  }
}

async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await fs.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Windows cannot fsync a directory; its rename is already durable enough there.
  }
}
