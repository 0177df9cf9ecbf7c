import { inflateRawSync } from 'node:zlib';

/** Why a file is not a zip archive this app will unpack; the caller words it for its file type. */
export class ZipRefused extends Error {
  override name = 'ZipRefused';
}

export interface ZipLimits {
  maxEntries: number;
  /** The sum of every entry's size once unpacked. */
  maxUnpackedBytes: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
const STORED = 0;
const DEFLATE = 8;

/**
 * Checks a zip archive before any library unpacks it, by reading its central directory ourselves:
 * the number of entries and their declared unpacked sizes must stay within the limits, so a zip
 * bomb (a few KiB that inflate to gigabytes) is refused without inflating a byte of it. Declared
 * sizes can lie, and the unzip library inside ExcelJS (JSZip) inflates each entry whole, trusting
 * no size at all; so each entry is then inflated here with a hard output cap at its declared size
 * (zlib's maxOutputLength), which stops a lying entry at that cap. Nothing here inflates more than
 * limits.maxUnpackedBytes in all, and what passes unpacks to exactly what was checked.
 * Throws ZipRefused with the reason.
 */
export function checkZip(bytes: Uint8Array, limits: ZipLimits): void {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (data.length < EOCD_SIZE || data.readUInt32LE(0) !== LOCAL) throw new ZipRefused('it is not a zip archive');
  const end = findEndOfCentralDirectory(data);
  const entries = data.readUInt16LE(end + 10);
  const directorySize = data.readUInt32LE(end + 12);
  const directoryOffset = data.readUInt32LE(end + 16);
  if (data.readUInt16LE(end + 4) !== 0 || data.readUInt16LE(end + 6) !== 0 || data.readUInt16LE(end + 8) !== entries) {
    throw new ZipRefused('it is split over several disks');
  }
  // ZIP64 marks its counts and offsets with all ones: only archives far larger than any server list need it.
  if (entries === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) throw new ZipRefused('it is a ZIP64 archive, far larger than any server list');
  if (entries > limits.maxEntries) throw new ZipRefused(`it holds ${entries} parts, more than a workbook of servers (at most ${limits.maxEntries})`);
  if (directoryOffset + directorySize > end) throw new ZipRefused('its table of contents is damaged');

  const found: { name: string; method: number; packed: number; unpacked: number; offset: number }[] = [];
  let total = 0;
  let at = directoryOffset;
  for (let i = 0; i < entries; i++) {
    if (at + 46 > end || data.readUInt32LE(at) !== CENTRAL) throw new ZipRefused('its table of contents is damaged');
    const flags = data.readUInt16LE(at + 8);
    const method = data.readUInt16LE(at + 10);
    const packed = data.readUInt32LE(at + 20);
    const unpacked = data.readUInt32LE(at + 24);
    const nameLength = data.readUInt16LE(at + 28);
    const next = at + 46 + nameLength + data.readUInt16LE(at + 30) + data.readUInt16LE(at + 32);
    const name = data.toString('utf8', at + 46, Math.min(at + 46 + nameLength, end));
    if (flags & 1) throw new ZipRefused('it is encrypted');
    if (method !== STORED && method !== DEFLATE) throw new ZipRefused(`part "${name.slice(0, 100)}" uses a compression method workbooks do not use (${method})`);
    total += unpacked;
    if (total > limits.maxUnpackedBytes) {
      throw new ZipRefused(`it unpacks to more than ${Math.round(limits.maxUnpackedBytes / 1048576)} MiB, far more than a list of servers`);
    }
    found.push({ name, method, packed, unpacked, offset: data.readUInt32LE(at + 42) });
    at = next;
  }

  for (const entry of found) {
    const local = entry.offset;
    if (local + 30 > data.length || data.readUInt32LE(local) !== LOCAL) throw new ZipRefused('its table of contents is damaged');
    const start = local + 30 + data.readUInt16LE(local + 26) + data.readUInt16LE(local + 28);
    if (start + entry.packed > data.length) throw new ZipRefused(`part "${entry.name.slice(0, 100)}" is cut short`);
    const packed = data.subarray(start, start + entry.packed);
    let size = packed.length;
    if (entry.method === DEFLATE) {
      try {
        // One byte more than declared is allowed out, so that an entry that lies is seen to.
        size = inflateRawSync(packed, { maxOutputLength: entry.unpacked + 1 }).length;
      } catch {
        size = -1;
      }
    }
    if (size !== entry.unpacked) throw new ZipRefused(`part "${entry.name.slice(0, 100)}" is damaged or does not unpack to the size it declares`);
  }
}

function findEndOfCentralDirectory(data: Buffer): number {
  const last = data.length - EOCD_SIZE;
  for (let at = last; at >= Math.max(0, last - MAX_COMMENT); at--) {
    if (data.readUInt32LE(at) === EOCD) return at;
  }
  throw new ZipRefused('it is not a complete zip archive (its table of contents is missing)');
}
