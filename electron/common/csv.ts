/**
 * Writing CSV for people to open in a spreadsheet: the renderer's grid export, the CLI and the
 * registry all share this one escaping.
 */
export type CsvValue = string | number | boolean | null | undefined;

// Spreadsheets run a cell starting with one of these as a formula (CSV injection). Where the list
// separator is ";" (most of Europe), a spreadsheet may split a cell there too, so each piece after
// a ";" is a cell start of its own.
const FORMULA_AT_CELL_START = /(^|;)(?=[=+\-@\t\r])/g;

/**
 * One cell: every place a spreadsheet could start a cell (the start, and after each ";") is
 * neutralised against formulas with a single quote; the cell is quoted when RFC 4180 asks, and
 * when it holds a ";", so that a ";" spreadsheet keeps it whole.
 */
export function csvCell(value: CsvValue): string {
  const text = (value === null || value === undefined ? '' : String(value)).replace(FORMULA_AT_CELL_START, "$1'");
  return /[",;\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows as CSV text, CRLF line ends as RFC 4180 and Excel expect. */
export function toCsv(rows: readonly (readonly CsvValue[])[]): string {
  return rows.map((row) => `${row.map(csvCell).join(',')}\r\n`).join('');
}
