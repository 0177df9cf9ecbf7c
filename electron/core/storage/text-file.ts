import { constants as fsConstants, promises as fs } from 'node:fs';
import { basename } from 'node:path';
import { AppError } from '../../common/errors';

const UTF16LE_BOM = Buffer.from([0xff, 0xfe]);

/** How a caller names what went wrong with its kind of file, and what to do instead. */
export interface TextFileRules {
  maxBytes: number;
  /** What the file should hold, for messages: "license key", "server list". */
  holds: string;
  /** Kind for a file that cannot be opened (missing, no permission). */
  unreadableKind: string;
  /** Kind for a file that is opened but is no fit: not a file, too large, not text. */
  invalidKind: string;
  /** What to do, appended to every message of the second sort. */
  advice: string;
}

/**
 * A small text file given by the user (a key, a CSV sheet): its whole content, refused with a
 * clear message when it is not a regular file, larger than `maxBytes`, or not text. Never reads
 * more than the cap, and never blocks on a named pipe.
 */
export async function readTextFile(path: string, rules: TextFileRules): Promise<string> {
  return fileText(await readSmallFile(path, rules), path, rules);
}

/** The text of a file readSmallFile read, refused under readTextFile's rules when it is not text. */
export function fileText(bytes: Buffer, path: string, rules: TextFileRules): string {
  const text = decodeText(bytes);
  if (text === null || text.includes('\0')) throw fileError(path, rules, `is not a text file, so it cannot hold a ${rules.holds}`);
  return text;
}

/** A small file given by the user, as bytes: readTextFile's rules, but for any content. */
export async function readSmallFile(path: string, rules: TextFileRules): Promise<Buffer> {
  const invalid = (problem: string) => fileError(path, rules, problem);
  let handle: fs.FileHandle;
  try {
    // Non-blocking: a named pipe nobody writes to would otherwise hang the open forever; the
    // check below then refuses it as not a file. Regular files read the same either way.
    handle = await fs.open(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (err) {
    throw new AppError(rules.unreadableKind, `“${basename(path)}” cannot be read (${(err as Error).message}). Check that the file exists and that you may read it.`);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw invalid('is not a file');
    // Read one byte past the cap rather than trusting stat: the file may grow meanwhile.
    const buffer = Buffer.alloc(Math.min(stat.size, rules.maxBytes) + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (stat.size > rules.maxBytes || bytesRead > rules.maxBytes) {
      throw invalid(`is ${Math.ceil(Math.max(stat.size, bytesRead) / 1024)} KiB, larger than any ${rules.holds} (at most ${Math.ceil(rules.maxBytes / 1024)} KiB)`);
    }
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function fileError(path: string, rules: TextFileRules, problem: string): AppError {
  return new AppError(rules.invalidKind, `“${basename(path)}” ${problem}. ${rules.advice}`);
}

/** UTF-8 (with or without BOM), or UTF-16LE with BOM, which Windows PowerShell 5 and Excel write. */
function decodeText(bytes: Buffer): string | null {
  if (bytes.subarray(0, 2).equals(UTF16LE_BOM)) return bytes.subarray(2).toString('utf16le');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
