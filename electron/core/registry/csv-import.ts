import { CsvError, parse } from 'csv-parse/sync';
import { AppError } from '../../common/errors';
import type { Credentials, CsvReport, ImportColumn, ImportField, ImportFormat } from '../../common/types';
import { hasScheme, normaliseServerUrl, redactUrl } from '../../common/server-url';
import { nameKey } from '../../common/text';
import { fieldOf, headerKey } from '../../common/import-columns';
import { duplicateNameError, normaliseCredentials, normaliseFields, type ServerFields } from './server';

// Written by ServerRegistry.exportCsv and derived from the keychain, so an exported file imports as
// it is, without a note about it.
const SILENT_COLUMNS = new Set(['hascredentials']);

const FORMAT_HELP =
  'Give the file a header row naming its columns, in any order: the address (url, address, ip, host, hostname or server) is required; ' +
  'name, site, username, password, notes and tls_fingerprint are optional. Save it as .xlsx or as CSV separated by commas, semicolons or tabs. ' +
  'Nothing was imported.';

/** One row of a file as text cells, numbered as a spreadsheet numbers it. */
export interface TableRow {
  row: number;
  cells: string[];
}

/** A file's rows as text, whatever the file was: CSV text or a workbook's sheet. */
export interface ImportTable {
  format: ImportFormat;
  header: TableRow;
  records: TableRow[];
  /** How the history names the file's rows: "CSV row 4", "sheet “Inventory” row 4". */
  rowLabel: string;
  /** The kind of error the file's own problems are reported as. */
  invalidKind: 'InvalidCsv' | 'InvalidSpreadsheet';
  /** Said after the reason when the header cannot be used (a workbook's other sheets). */
  advice?: string;
}

export interface CsvPlan {
  report: CsvReport;
  /** The accepted rows, in file order, ready to store. */
  servers: (ServerFields & { row: number; credentials: Credentials | null })[];
  rowLabel: string;
}

/** A file-level refusal: what is wrong, then how to write the file. */
export function invalidImport(kind: ImportTable['invalidKind'], what: string): AppError {
  return new AppError(kind, `The file cannot be imported. ${what} ${FORMAT_HELP}`);
}

/** planImport over CSV text. Throws AppError 'InvalidCsv' when the file itself cannot be read. */
export function planCsvImport(text: string, existing: ReadonlyMap<string, string>): CsvPlan {
  return planImport(readCsvTable(text), existing);
}

/**
 * Decides every row of an import, from CSV or a sheet alike. Preview and import both call this,
 * so what the preview shows is what an import against the same registry stores. Throws AppError
 * (the table's invalidKind) when the header cannot be used; a bad row is only refused, with the
 * reason. `existing` maps nameKey() of each registered server to its name.
 */
export function planImport(table: ImportTable, existing: ReadonlyMap<string, string>): CsvPlan {
  const { header, records } = table;
  const columns = readHeader(table);
  const at = new Map(columns.flatMap((c) => (c.field ? [[c.field, c.column - 1] as const] : [])));
  const report: CsvReport = { rows: [], accepted: 0, refused: 0, format: table.format, columns };
  const servers: CsvPlan['servers'] = [];
  const namesInFile = new Map<string, number>();
  const strictWidth = table.format.type === 'csv';
  const separator = table.format.type === 'csv' ? SEPARATOR_NAMES[table.format.separator] : '';

  for (const { row, cells: record } of records) {
    if (record.every((cell) => !cell.trim())) continue; // blank lines and Excel's trailing ",,,," rows
    const cell = (field: ImportField) => {
      const index = at.get(field);
      return index === undefined ? '' : (record[index] ?? '');
    };
    const written = cell('url').trim();
    let name = cell('name').trim();
    const refuse = (kind: string, reason: string) => {
      // The report goes to the screen: a password typed into the address must not.
      report.rows.push({ row, accepted: false, name: at.has('name') ? name : '', url: redactUrl(written), kind, reason });
      report.refused++;
    };
    // A CSV row with more or fewer cells than the header has lost or gained a separator, so its
    // cells may sit under the wrong columns; a sheet's rows just end at their last filled cell.
    if (strictWidth && record.length !== header.cells.length) {
      refuse('InvalidInput', `This row has ${record.length} cells but the header has ${header.cells.length}: check for a missing or extra ${separator}.`);
      continue;
    }
    try {
      const url = normaliseServerUrl(written, { bare: true });
      if (!at.has('name')) name = url.replace(/^https?:\/\//, '');
      const fields = normaliseFields({ name, url, site: cell('site'), notes: cell('notes'), tlsFingerprint: cell('tls_fingerprint') });
      const key = nameKey(fields.name);
      const firstRow = namesInFile.get(key);
      // Every later row with a name is refused, whatever became of the first: the file needs fixing either way.
      if (firstRow !== undefined) throw new AppError('DuplicateName', `Row ${firstRow} of this file has the same name: give each server its own name.`);
      namesInFile.set(key, row);
      const registered = existing.get(key);
      if (registered !== undefined) throw duplicateNameError(registered);
      const credentials = readCredentials(cell('username'), cell('password'));
      servers.push({ ...fields, row, credentials });
      report.rows.push({
        row,
        accepted: true,
        name: fields.name,
        url: fields.url,
        site: fields.site,
        hasCredentials: credentials !== null,
        ...(hasScheme(written) ? {} : { bareAddress: written }),
        ...(at.has('name') ? {} : { namedAfterAddress: true }),
      });
      report.accepted++;
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      refuse(err.kind, err.message);
    }
  }
  return { report, servers, rowLabel: table.rowLabel };
}

function readCredentials(username: string, password: string): Credentials | null {
  if (!username.trim() && !password) return null;
  if (!password) throw new AppError('InvalidInput', 'This row has a username but no password: add the password, or clear the username.');
  if (!username.trim()) throw new AppError('InvalidInput', 'This row has a password but no username: add the username, or clear the password.');
  return normaliseCredentials({ username, password });
}

/**
 * Which field each column fills. Unknown columns (a camera list's "Model", "MAC"…) are ignored
 * and listed as such, never a reason to refuse the file; so is a second column for a field, which
 * the first one already fills. Only a header without an address column is refused.
 */
function readHeader(table: ImportTable): ImportColumn[] {
  const names: string[] = [];
  table.header.cells.forEach((cell, index) => (names[index] = cell.trim()));
  // A first row holding an address is a server, not a header: its cells may include a password,
  // so none of them is repeated.
  if (names.some((name) => /:\/\/|^\d{1,3}(\.\d{1,3}){3}(:\d+)?$/.test(name))) {
    throw invalidImport(table.invalidKind, 'The first row holds an address, so it is a server, not the header row: add a header row above it.');
  }
  // A column with neither a header nor any data is Excel's padding, not worth a word. Cells are
  // visited once each (forEach skips a sheet's holes), however wide a hostile sheet claims to be.
  const filled = new Set<number>();
  for (const record of table.records) record.cells.forEach((cell, index) => cell.trim() && filled.add(index));
  names.forEach((name, index) => name && filled.add(index));
  const taken = new Set<ImportField>();
  const columns: ImportColumn[] = [];
  for (const index of [...filled].sort((a, b) => a - b)) {
    const header = names[index] ?? '';
    if (SILENT_COLUMNS.has(headerKey(header))) continue;
    const field = fieldOf(header) ?? null;
    const free = field !== null && !taken.has(field);
    if (free) taken.add(field);
    columns.push({ column: index + 1, header, field: free ? field : null });
  }
  if (!taken.has('url')) {
    throw invalidImport(
      table.invalidKind,
      `The header has no address column: name the column of addresses url (or address, ip, ip address, host, hostname or server).${table.advice ?? ''}`,
    );
  }
  return columns;
}

type Separator = Extract<ImportFormat, { type: 'csv' }>['separator'];
const SEPARATORS: readonly Separator[] = [',', ';', '\t'];
const SEPARATOR_NAMES: Record<Separator, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab' };

const PARSE_OPTIONS = {
  bom: true,
  relax_column_count: true, // a short or long row is refused on its own, not the whole file
  record_delimiter: ['\r\n', '\n', '\r'], // files edited on several systems mix line ends
};

/**
 * The separator that splits the header line into the most cells, read with csv-parse's own
 * quoting rules (a ";" inside a quoted cell does not count, and a reading that breaks them does
 * not qualify). Excel writes ";" where the decimal comma is used, and tabs for "Unicode text".
 * A tie, such as a one-column header, is read as comma-separated.
 */
function detectSeparator(text: string): Separator {
  let best: Separator = ',';
  let most = 0;
  for (const delimiter of SEPARATORS) {
    let cells = 0;
    try {
      cells = (parse(text, { ...PARSE_OPTIONS, delimiter, to_line: 1 }) as string[][])[0]?.length ?? 0;
    } catch {
      cells = 0;
    }
    if (cells > most) [best, most] = [delimiter, cells];
  }
  return best;
}

const QUOTE_ADVICE = 'Enclose a cell that holds a double quote in double quotes, and double each quote inside it ("").';

/**
 * Where the file breaks and how to fix it, from csv-parse's code, line and cell number only: its
 * own message quotes the cell (`value is "Sup3r"`), and that cell can be a password.
 */
function describeCsvError(err: CsvError, text: string, delimiter: Separator): string {
  const count = (key: string) => (typeof err[key] === 'number' ? err[key] : null);
  const [lines, records, column] = [count('lines'), count('records'), count('column')];
  const line = lines === null ? 'a line' : `line ${lines}`;
  const cell = column === null ? '' : `, ${cellName(column, text, delimiter)},`;
  switch (err.code) {
    case 'INVALID_OPENING_QUOTE':
      return `${line}${cell} has a double quote inside a cell. ${QUOTE_ADVICE}`;
    case 'CSV_INVALID_CLOSING_QUOTE':
      return `${line}${cell} has text after the closing double quote of a cell. ${QUOTE_ADVICE}`;
    case 'CSV_QUOTE_NOT_CLOSED':
      // csv-parse reports the line where the file ended; the row is where the quote opened.
      return `${records === null ? 'a row' : `row ${records + 1}`}${cell} opens a double quote that is never closed. Add the closing quote, or remove the opening one.`;
    default:
      return `csv-parse reports ${err.code} at ${line}${cell.replace(/,$/, '')}.`;
  }
}

/** "cell 4 (password)": the column's header name when the header row itself can be read and names a field. */
function cellName(index: number, text: string, delimiter: Separator): string {
  let name: unknown;
  try {
    name = (parse(text, { ...PARSE_OPTIONS, delimiter, to: 1 }) as string[][])[0]?.[index];
  } catch {
    name = undefined;
  }
  const known = typeof name === 'string' && fieldOf(name) !== undefined;
  return `cell ${index + 1}${known ? ` (${(name as string).trim().toLowerCase()})` : ''}`;
}

/** CSV text as a table: the separator detected, Excel's BOM and any line ends handled. */
export function readCsvTable(text: string): ImportTable {
  const invalid = (what: string) => invalidImport('InvalidCsv', what);
  // A NUL never occurs in text; csv-parse would happily read a binary file as one odd column.
  if (text.includes('\u0000')) throw invalid('This is not a text file.');
  const separator = detectSeparator(text);
  let records: string[][];
  try {
    records = parse(text, { ...PARSE_OPTIONS, delimiter: separator });
  } catch (err) {
    if (err instanceof CsvError) throw invalid(`It is not valid CSV: ${describeCsvError(err, text, separator)}`);
    throw err;
  }
  if (records.length === 0 || records[0]!.every((cell) => !cell.trim())) throw invalid('The first row is empty: it must be the header row.');
  const [header, ...rest] = records.map((cells, index) => ({ row: index + 1, cells }));
  return { format: { type: 'csv', separator }, header: header!, records: rest, rowLabel: 'CSV', invalidKind: 'InvalidCsv' };
}
