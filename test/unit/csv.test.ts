import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../electron/common/csv';

// OWASP, "CSV Injection": spreadsheets run a cell that begins with any of these as a formula.
// Written out here, not taken from csv.ts, so the tests judge the escaping by the guidance.
const FORMULA_TRIGGERS = ['=', '+', '-', '@', '\t', '\r'];
const runsAsFormula = (cell: string) => FORMULA_TRIGGERS.some((trigger) => cell.startsWith(trigger));
// Where Excel's list separator is ";" (most European locales) a cell is split at each ";" too.
const spreadsheetPieces = (cell: string) => cell.split(';');
// RFC 4180: a field holding a comma, a double quote or a line break (CR or LF) is enclosed in double
// quotes; one holding the other list separator, ";", is too, so no spreadsheet splits it.
const mustBeQuoted = (cell: string) => [',', '"', '\r', '\n', ';'].some((ch) => cell.includes(ch));
// Each piece that would run as a formula keeps its text behind a single quote; nothing else changes.
const neutralised = (cell: string) => spreadsheetPieces(cell).map((piece) => (runsAsFormula(piece) ? `'${piece}` : piece)).join(';');

describe('csvCell', () => {
  it.each([
    ['=HYPERLINK("http://evil","x")', `"'=HYPERLINK(""http://evil"",""x"")"`],
    ['+1', "'+1"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', `"'\rcmd"`],
    // A ";" spreadsheet would split these into a second cell that runs.
    ["x;=cmd|' /C calc'!A0", `"x;'=cmd|' /C calc'!A0"`],
    ['a;+1;-2', `"a;'+1;'-2"`],
  ])('neutralises the formula in %j', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['a=b', 'a=b'],
    [' =1', ' =1'],
    ['', ''],
  ])('quotes %j only when it must', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it('writes null and undefined as empty cells, numbers and booleans as text', () => {
    expect([null, undefined, 3, -1, true].map(csvCell)).toEqual(['', '', '3', "'-1", 'true']);
  });
});

describe('toCsv', () => {
  it('ends every row with CRLF', () => {
    expect(toCsv([['name', 'url'], ['a', 'http://x']])).toBe('name,url\r\na,http://x\r\n');
  });

  it('neutralises and quotes each cell of a row on its own', () => {
    expect(toCsv([['=1+1', 'ok', '-5'], ['@x', 'a,b', '+"q"']])).toBe(`'=1+1,ok,'-5\r\n'@x,"a,b","'+""q"""\r\n`);
  });

  it('reads back as cells no spreadsheet runs as a formula ("," or ";" separated), nothing lost, each quoted only where needed', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', ',', ';', '"', '\n', '\r', '=', '+', '-', '@', '\t', ' ', "'", 'é') });
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 5 }), (rows) => {
        const parsed: string[][] = parse(toCsv(rows), { relax_column_count: true, record_delimiter: '\r\n' });
        expect(parsed.map((row) => row.length)).toEqual(rows.map((row) => row.length));
        rows.forEach((row, r) =>
          row.forEach((original, c) => {
            const read = parsed[r]![c]!;
            for (const piece of spreadsheetPieces(read)) expect(runsAsFormula(piece), `${JSON.stringify(read)} would run as a formula`).toBe(false);
            // Nothing lost: a formula keeps its text behind the quote, anything else is left as it was.
            expect(read).toBe(neutralised(original));
            expect(csvCell(original).startsWith('"'), `${JSON.stringify(original)} quoted`).toBe(mustBeQuoted(original));
          }),
        );
      }),
    );
  });
});
