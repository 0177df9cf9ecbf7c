import type { ImportSource } from '../../electron/ipc/contract';
import { MAX_CSV_BYTES } from '../../electron/common/limits';

/** The server lists the import takes: by name, since browsers give CSV files a type only sometimes. */
export const IMPORT_FILE_ACCEPT = '.csv,.tsv,.txt,.xlsx,text/csv,text/tab-separated-values,text/plain,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Whether a dropped file is a server list for the import (rather than a key for the library). */
export function isServerList(file: File): boolean {
  return /\.(csv|tsv|xlsx)$/i.test(file.name);
}

function isWorkbook(file: File): boolean {
  return /\.xlsx$/i.test(file.name) || file.type === 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
}

/**
 * A chosen or dropped file as the main process takes it: CSV as text, a workbook as base64
 * (the main process reads it; the renderer never parses it). Refuses a file over the size limit
 * before reading a byte of it.
 */
export async function readImportSource(file: File): Promise<ImportSource> {
  if (file.size > MAX_CSV_BYTES) {
    throw new Error(`“${file.name}” is ${Math.ceil(file.size / 1048576)} MiB: a server list is far smaller. Choose the CSV file or .xlsx workbook of your servers.`);
  }
  if (isWorkbook(file)) return { xlsx: await base64(file) };
  // UTF-8, or UTF-16LE with its BOM as Excel's "Unicode text" is written: as the command line reads it.
  const bytes = new Uint8Array(await file.arrayBuffer());
  const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe;
  return { text: new TextDecoder(utf16 ? 'utf-16le' : 'utf-8').decode(bytes) };
}

/** A file's bytes as base64, through the browser's own encoder (a data: URL) rather than a loop. */
function base64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error(`“${file.name}” could not be read.`));
    reader.readAsDataURL(file);
  });
}
