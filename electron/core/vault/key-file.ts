import { promises as fs } from 'node:fs';
import { basename } from 'node:path';
import { AppError } from '../app-error';

/** Keys are a few KB of base64; anything much larger is the wrong file, and is never read whole. */
export const MAX_KEY_FILE_BYTES = 64 * 1024;

const UTF16LE_BOM = Buffer.from([0xff, 0xfe]);

/**
 * The text of a key file: its whole content, whatever its name or extension. Refuses files that
 * are too large or not text, so a mis-dropped image or archive gets a clear answer.
 */
export async function readKeyFile(path: string): Promise<string> {
  const name = basename(path);
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, 'r');
  } catch (err) {
    throw new AppError('KeyFileUnreadable', `“${name}” cannot be read (${(err as Error).message}). Check that the file exists and that you may read it.`);
  }
  let bytes: Buffer;
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw invalid(name, 'is not a file');
    // Read one byte past the cap rather than trusting stat: the file may grow meanwhile.
    const buffer = Buffer.alloc(Math.min(stat.size, MAX_KEY_FILE_BYTES) + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (stat.size > MAX_KEY_FILE_BYTES || bytesRead > MAX_KEY_FILE_BYTES) {
      throw invalid(name, `is ${Math.ceil(Math.max(stat.size, bytesRead) / 1024)} KiB, larger than any license key (at most ${MAX_KEY_FILE_BYTES / 1024} KiB of base64 text)`);
    }
    bytes = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const text = decode(bytes);
  if (text === null || text.includes('\0')) throw invalid(name, 'is not a text file, so it cannot hold a license key (keys are base64 text)');
  return text;
}

/** UTF-8 (with or without BOM), or UTF-16LE with BOM, which Windows PowerShell 5 writes with `>`. */
function decode(bytes: Buffer): string | null {
  if (bytes.subarray(0, 2).equals(UTF16LE_BOM)) return bytes.subarray(2).toString('utf16le');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

function invalid(name: string, problem: string): AppError {
  return new AppError('InvalidKeyFile', `“${name}” ${problem}. Choose the key file you were sent, or paste the key as text.`);
}
