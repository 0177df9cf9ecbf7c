import type { CellValue, Worksheet } from 'exceljs';
import { MAX_CSV_BYTES, MAX_XLSX_ENTRIES, MAX_XLSX_UNPACKED_BYTES } from '../../common/limits';
import { fieldOf } from '../../common/import-columns';
import { invalidImport, type ImportTable, type TableRow } from './csv-import';
import { checkZip, ZipRefused } from './zip-guard';

const OLE_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/** Whether these bytes start like a workbook (a zip archive, or an old .xls), rather than like text. */
export function looksLikeWorkbook(bytes: Uint8Array): boolean {
  const start = Buffer.from(bytes.subarray(0, 8));
  return start.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1')) || start.equals(OLE_SIGNATURE);
}

/**
 * One sheet of an .xlsx workbook as the same table a CSV file gives, for the one planner: the
 * sheet named `sheet`, or else the first visible one that has a header row naming an address
 * column, within its first few rows (a title may stand above it). Each cell is the text it shows: a formula
 * its cached result (never evaluated, so no formula runs and none needs the others), a date as
 * YYYY-MM-DD, numbers and booleans as text, rich text and hyperlinks as their text. A cell of a
 * merged range reads the range's value under its first cell and down that column (a site merged
 * over several rows), and is blank elsewhere (a header merged across columns names only the first).
 * Throws AppError 'InvalidSpreadsheet' for a file that is not a workbook or is larger than any list.
 */
export async function readXlsxTable(bytes: Uint8Array, sheet?: string): Promise<ImportTable> {
  const invalid = (what: string) => invalidImport('InvalidSpreadsheet', what);
  if (bytes.length > MAX_CSV_BYTES) {
    throw invalid(`It is ${Math.ceil(bytes.length / 1024)} KiB, larger than any server list (at most ${Math.ceil(MAX_CSV_BYTES / 1024)} KiB).`);
  }
  if (Buffer.from(bytes.subarray(0, 8)).equals(OLE_SIGNATURE)) {
    throw invalid('It is an Excel 97-2003 (.xls) workbook or a password-protected one: open it in Excel and save it, without a password, as "Excel Workbook (.xlsx)" or as CSV.');
  }
  try {
    checkZip(bytes, { maxEntries: MAX_XLSX_ENTRIES, maxUnpackedBytes: MAX_XLSX_UNPACKED_BYTES });
  } catch (err) {
    if (err instanceof ZipRefused) throw invalid(`This is not an .xlsx workbook this app can read: ${err.message}.`);
    throw err;
  }
  // Loaded on first use: ExcelJS is large, and most runs of the command line never read a workbook.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ArrayBuffer);
  } catch {
    // ExcelJS's own message is about XML parts, and may quote a cell.
    throw invalid('It is a zip archive but not an Excel workbook Excel or LibreOffice saved: open it there and save it again as .xlsx.');
  }
  const sheets = workbook.worksheets;
  const names = sheets.map((s) => s.name);
  if (sheets.length === 0) throw invalid('The workbook has no sheets.');
  const named = sheet === undefined ? undefined : sheets.find((s) => s.name === sheet);
  if (sheet !== undefined && !named) throw invalid(`The workbook has no sheet named “${sheet}”: its sheets are ${names.map((n) => `“${n}”`).join(', ')}.`);
  // Unless one is named: the first visible sheet that lists servers, so a cover or notes sheet in
  // front is passed over; failing that, the first visible sheet, refused with the reason.
  const visible = sheets.filter((s) => s.state === 'visible');
  const candidates = named ? [named] : visible.length ? visible : sheets;
  const read = candidates.map((s) => ({ sheet: s, rows: readRows(s) }));
  const chosen = read.find((r) => findHeader(r.rows) !== null) ?? read[0]!;
  const headerAt = findHeader(chosen.rows) ?? chosen.rows.findIndex((r) => r.cells.some((cell) => cell?.trim()));
  const also = names.length > 1 ? ` The workbook's sheets are ${names.map((n) => `“${n}”`).join(', ')}: choose the one that lists your servers.` : '';
  if (headerAt < 0) throw invalid(`The sheet “${chosen.sheet.name}” is empty.${also}`);
  return {
    format: { type: 'xlsx', sheet: chosen.sheet.name, sheets: names, headerRow: chosen.rows[headerAt]!.row },
    header: chosen.rows[headerAt]!,
    records: chosen.rows.slice(headerAt + 1),
    rowLabel: `sheet “${chosen.sheet.name}”`,
    invalidKind: 'InvalidSpreadsheet',
    advice: also,
  };
}

/** How many filled rows may stand above the header: a title, a date, a blank line or two. */
const MAX_ROWS_ABOVE_HEADER = 10;

/** The index of the header row: the first of the sheet's first filled rows to name an address column. */
function findHeader(rows: readonly TableRow[]): number | null {
  const at = rows.slice(0, MAX_ROWS_ABOVE_HEADER + 1).findIndex((r) => r.cells.some((cell) => cell !== undefined && fieldOf(cell) === 'url'));
  return at < 0 ? null : at;
}

/** Rows with any cell, numbered as the sheet numbers them; cells are sparse where the sheet is. */
function readRows(sheet: Worksheet): TableRow[] {
  const rows: TableRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: false }, (cell, column) => {
      const master = cell.master;
      if (master !== cell && master.col !== cell.col) return;
      cells[column - 1] = cellText(master.value);
    });
    rows.push({ row: rowNumber, cells });
  });
  return rows;
}

/** The text a cell shows. Formulas give their cached result: nothing is ever evaluated. */
function cellText(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return dateText(value);
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('hyperlink' in value) return cellText(value.text as CellValue);
  if ('error' in value) return value.error;
  if ('formula' in value || 'sharedFormula' in value) return cellText(value.result);
  return '';
}

/** Excel's dates carry no zone: ExcelJS gives them as UTC, and they are shown as written. */
function dateText(date: Date): string {
  if (Number.isNaN(date.getTime())) return '';
  const iso = date.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19).replace('T', ' ');
}
