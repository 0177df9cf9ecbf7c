import type { LicenseInfo } from '../common/license';
import { escapeControlChars, withoutControlChars } from '../common/text';
import { describeExpiry } from '../common/license-health';

/**
 * Every line the tool writes goes through print, printJson, warn or table, and each keeps text
 * from servers and files from driving the terminal: no escape sequences, no carriage return that
 * overwrites a line, no bidi control that disguises one.
 */
export function print(text: string): void {
  process.stdout.write(`${withoutControlChars(text, { lines: true })}\n`);
}

/** JSON.stringify escapes C0 but not DEL, C1 (U+009B is a CSI) or bidi controls: those are escaped too. */
export function printJson(value: unknown): void {
  process.stdout.write(`${escapeControlChars(JSON.stringify(value, null, 2))}\n`);
}

/** A notice for people on standard error, so standard output stays clean for scripts. */
export function warn(text: string): void {
  process.stderr.write(`bf-license: ${oneLine(text)}\n`);
}

/** Flattened to one line: control characters from a server's answer must not drive the terminal. */
export const oneLine = (text: string): string => withoutControlChars(text);

/** Aligned columns under upper-case headers, two spaces apart; the last column is not padded. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const cells = [headers, ...rows].map((row) => row.map(oneLine));
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i]?.length ?? 0)));
  return cells.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}

/** "2027-12-31 (in 396 days)", "perpetual", "no license", "unknown". */
export function expiryText(license: LicenseInfo | null): string {
  const date = license?.terms?.expiration_date;
  return date ? `${date} (${describeExpiry(license)})` : describeExpiry(license);
}
