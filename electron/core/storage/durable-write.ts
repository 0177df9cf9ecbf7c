import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Writes a file so that it is either the old version or the new one whole, never torn:
 * a temporary file beside it, flushed, renamed over it, and the rename itself flushed.
 * Private to the user (0600), as everything in the data folder.
 */
export async function writeFileDurably(path: string, data: string | Buffer): Promise<void> {
  const dir = dirname(path);
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
  await syncDir(dir);
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
