import { CsvError, parse } from 'csv-parse/sync';
import { AppError } from '../../common/errors';
import type { Credentials, CsvReport } from '../../common/types';
import { redactUrl } from '../../common/server-url';
import { nameKey } from '../../common/text';
import { duplicateNameError, normaliseCredentials, normaliseFields, type ServerFields } from './server';

const REQUIRED_COLUMNS = ['name', 'url'] as const;
const OPTIONAL_COLUMNS = ['site', 'notes', 'tls_fingerprint', 'username', 'password'] as const;
// Written by ServerRegistry.exportCsv and derived from the keychain, so an exported file imports as it is.
const IGNORED_COLUMNS = ['has_credentials'] as const;
type Column = (typeof REQUIRED_COLUMNS)[number] | (typeof OPTIONAL_COLUMNS)[number];
const DATA_COLUMNS: readonly string[] = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS];
const KNOWN_COLUMNS: readonly string[] = [...DATA_COLUMNS, ...IGNORED_COLUMNS];
const isColumn = (name: string): name is Column => DATA_COLUMNS.includes(name);

const FORMAT_HELP =
  'Save the sheet as "CSV (comma delimited)" with a header row naming the columns: name and url (required), ' +
  `${OPTIONAL_COLUMNS.join(', ')} (optional), in any order. Nothing was imported.`;

export interface CsvPlan {
  report: CsvReport;
  /** The accepted rows, in file order, ready to store. */
  servers: (ServerFields & { row: number; credentials: Credentials | null })[];
}

/**
 * Decides every row of an import. Preview and import both call this, so what the preview shows is
 * what an import against the same registry stores. Throws AppError 'InvalidCsv' when the file
 * itself cannot be read; a bad row is only refused, with the reason.
 * `existing` maps nameKey() of each registered server to its name.
 */
export function planCsvImport(text: string, existing: ReadonlyMap<string, string>): CsvPlan {
  const [header = [], ...records] = parseRecords(text);
  const columns = readHeader(header);
  const report: CsvReport = { rows: [], accepted: 0, refused: 0 };
  const servers: CsvPlan['servers'] = [];
  const namesInFile = new Map<string, number>();

  records.forEach((record, index) => {
    const row = index + 2;
    if (record.every((cell) => !cell.trim())) return; // blank lines and Excel's trailing ",,,," rows
    const cell = (column: Column) => {
      const at = columns.get(column);
      return at === undefined ? '' : (record[at] ?? '');
    };
    const name = cell('name').trim();
    const url = cell('url').trim();
    const refuse = (kind: string, reason: string) => {
      // The report goes to the screen: a password typed into the address must not.
      report.rows.push({ row, accepted: false, name, url: redactUrl(url), kind, reason });
      report.refused++;
    };
    if (record.length !== header.length) {
      refuse('InvalidInput', `This row has ${record.length} cells but the header has ${header.length}: check for a missing or extra comma.`);
      return;
    }
    try {
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
      report.rows.push({ row, accepted: true, name: fields.name, url: fields.url, site: fields.site, hasCredentials: credentials !== null });
      report.accepted++;
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      refuse(err.kind, err.message);
    }
  });
  return { report, servers };
}

function readCredentials(username: string, password: string): Credentials | null {
  if (!username.trim() && !password) return null;
  if (!password) throw new AppError('InvalidInput', 'This row has a username but no password: add the password, or clear the username.');
  if (!username.trim()) throw new AppError('InvalidInput', 'This row has a password but no username: add the username, or clear the password.');
  return normaliseCredentials({ username, password });
}

const PARSE_OPTIONS = {
  bom: true,
  relax_column_count: true, // a short or long row is refused on its own, not the whole file
  record_delimiter: ['\r\n', '\n', '\r'], // files edited on several systems mix line ends
};

const QUOTE_ADVICE = 'Enclose a cell that holds a double quote in double quotes, and double each quote inside it ("").';

/**
 * Where the file breaks and how to fix it, from csv-parse's code, line and cell number only: its
 * own message quotes the cell (`value is "Sup3r"`), and that cell can be a password.
 */
function describeCsvError(err: CsvError, text: string): string {
  const count = (key: string) => (typeof err[key] === 'number' ? err[key] : null);
  const [lines, records, column] = [count('lines'), count('records'), count('column')];
  const line = lines === null ? 'a line' : `line ${lines}`;
  const cell = column === null ? '' : `, ${cellName(column, text)},`;
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

/** "cell 4 (password)": the column's header name when the header row itself can be read. */
function cellName(index: number, text: string): string {
  let name: unknown;
  try {
    name = (parse(text, { ...PARSE_OPTIONS, to: 1 }) as string[][])[0]?.[index];
  } catch {
    name = undefined;
  }
  const known = typeof name === 'string' && KNOWN_COLUMNS.includes(name.trim().toLowerCase());
  return `cell ${index + 1}${known ? ` (${(name as string).trim().toLowerCase()})` : ''}`;
}

function parseRecords(text: string): string[][] {
  // A NUL never occurs in text; csv-parse would happily read a binary file as one odd column.
  if (text.includes('\u0000')) throw invalidCsv('This is not a text file.');
  let records: string[][];
  try {
    records = parse(text, PARSE_OPTIONS);
  } catch (err) {
    if (err instanceof CsvError) throw invalidCsv(`It is not valid CSV: ${describeCsvError(err, text)}`);
    throw err;
  }
  if (records.length === 0 || records[0]!.every((cell) => !cell.trim())) throw invalidCsv('The first row is empty: it must be the header row.');
  return records;
}

function readHeader(header: string[]): Map<Column, number> {
  const names = header.map((cell) => cell.trim().toLowerCase());
  const unknown = names.filter((name) => !KNOWN_COLUMNS.includes(name));
  // A first row holding an address is a server, not a header: its cells may include a password,
  // so none of them is repeated.
  if (unknown.length && names.some((name) => /:\/\/|^\d{1,3}(\.\d{1,3}){3}(:\d+)?$/.test(name))) {
    throw invalidCsv('The first row holds an address, so it is a server, not the header row: add a header row above it.');
  }
  if (unknown.length) {
    throw invalidCsv(`The header has columns this app does not know: ${unknown.map((n) => (n ? `"${n}"` : '(a blank column)')).join(', ')}.`);
  }
  const repeated = names.filter((name, i) => names.indexOf(name) !== i);
  if (repeated.length) throw invalidCsv(`The header names a column more than once: ${[...new Set(repeated)].join(', ')}.`);
  const missing = REQUIRED_COLUMNS.filter((name) => !names.includes(name));
  if (missing.length) throw invalidCsv(`The header has no ${missing.join(' or ')} column.`);
  const columns = new Map<Column, number>();
  names.forEach((name, i) => {
    if (isColumn(name)) columns.set(name, i);
  });
  return columns;
}

function invalidCsv(what: string): AppError {
  return new AppError('InvalidCsv', `The file cannot be imported. ${what} ${FORMAT_HELP}`);
}
