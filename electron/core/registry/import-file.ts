import { MAX_CSV_BYTES } from '../../common/limits';
import { fileText, readSmallFile, type TextFileRules } from '../storage/text-file';
import { readCsvTable, type ImportTable } from './csv-import';
import { looksLikeWorkbook, readXlsxTable } from './xlsx-import';

/** A server list to import: CSV text, or the bytes of an .xlsx workbook and the sheet to read. */
export type ImportFile = { text: string } | { xlsx: Uint8Array; sheet?: string };

/** Either kind of file as the one table the planner decides. */
export function readImportTable(file: ImportFile): Promise<ImportTable> {
  return 'text' in file ? Promise.resolve().then(() => readCsvTable(file.text)) : readXlsxTable(file.xlsx, file.sheet);
}

const IMPORT_FILE_RULES: TextFileRules = {
  maxBytes: MAX_CSV_BYTES,
  holds: 'server list',
  unreadableKind: 'FileUnreadable',
  invalidKind: 'InvalidCsv',
  advice: 'Choose the CSV file of your servers, or the .xlsx workbook that lists them.',
};

/**
 * A server list on disk, for the command line: a workbook by its content (a zip, or an old .xls
 * to be refused with advice) or its .xlsx name, text otherwise. Both are held to one size limit.
 */
export async function readImportFile(path: string, sheet?: string): Promise<ImportFile> {
  const bytes = await readSmallFile(path, IMPORT_FILE_RULES);
  if (looksLikeWorkbook(bytes) || /\.xlsx$/i.test(path)) return sheet === undefined ? { xlsx: bytes } : { xlsx: bytes, sheet };
  return { text: fileText(bytes, path, IMPORT_FILE_RULES) };
}
