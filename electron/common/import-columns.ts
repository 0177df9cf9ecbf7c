/**
 * How an import file's header is read, shared by the core (which decides) and by the app and the
 * command line (which say what was decided, in the same words).
 */
import type { CsvReport, ImportField } from './types';

/**
 * Header names as integrators' spreadsheets and other tools' device lists write them, compared
 * without case, spaces, underscores or hyphens ("IP address", "ip_address" and "IPAddress" are one).
 */
const FIELD_NAMES: Readonly<Record<string, ImportField>> = {
  name: 'name',
  url: 'url',
  address: 'url',
  ip: 'url',
  ipaddress: 'url',
  host: 'url',
  hostname: 'url',
  server: 'url',
  site: 'site',
  location: 'site',
  customer: 'site',
  premises: 'site',
  notes: 'notes',
  comment: 'notes',
  description: 'notes',
  tlsfingerprint: 'tls_fingerprint',
  username: 'username',
  user: 'username',
  login: 'username',
  password: 'password',
  pass: 'password',
  pwd: 'password',
};

export const headerKey = (header: string): string => header.toLowerCase().replace(/[\s_-]+/g, '');

/** The field a header names, if any. */
export const fieldOf = (header: string): ImportField | undefined => FIELD_NAMES[headerKey(header)];

const SEPARATOR_WORDS = { ',': 'commas (,)', ';': 'semicolons (;)', '\t': 'tabs' } as const;

/**
 * What the preview says about the file as a whole: how it was read, every column read under
 * another name, every column ignored and why, and where names come from. Never quotes a cell.
 */
export function importNotes(report: Pick<CsvReport, 'format' | 'columns'>): string[] {
  const { format, columns } = report;
  const notes: string[] = [];
  if (format.type === 'csv') notes.push(`Read as CSV separated by ${SEPARATOR_WORDS[format.separator]}.`);
  else {
    const of = format.sheets.length === 1 ? ", the workbook's only sheet" : ` of ${format.sheets.length}: ${format.sheets.map((s) => `“${s}”`).join(', ')}`;
    notes.push(`Read sheet “${format.sheet}”${of}.`);
    if (format.headerRow > 1) notes.push(`Header row: row ${format.headerRow}; the rows above it are skipped.`);
  }
  const blank: number[] = [];
  for (const { column, header, field } of columns) {
    const named = fieldOf(header);
    if (field !== null && headerKey(header) !== headerKey(field)) notes.push(`Column “${header}” read as ${field}.`);
    else if (field !== null) continue;
    else if (!header) blank.push(column);
    else if (named) {
      const first = columns.find((c) => c.field === named);
      notes.push(`Column “${header}” ignored: column “${first?.header ?? named}” already gives ${named}.`);
    } else notes.push(`Column “${header}” ignored: this app keeps no such field.`);
  }
  if (blank.length) {
    const shown = blank.slice(0, 10).join(', ') + (blank.length > 10 ? ` and ${blank.length - 10} more` : '');
    notes.push(`${blank.length === 1 ? `Column ${shown} has` : `Columns ${shown} have`} data but no header: ignored.`);
  }
  if (!columns.some((c) => c.field === 'name')) notes.push('No name column: each server is named after its address.');
  return notes;
}
