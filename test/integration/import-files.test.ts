/**
 * The server lists integrators actually have, as real files written here: Excel's ";" CSV with a
 * BOM and CRLF, tab-separated text, .xlsx workbooks written by ExcelJS with typed cells, formulas
 * and merged cells, other tools' headers and bare addresses; and hostile workbooks. Each is read
 * the way the command line reads it (readImportFile) and planned by the registry's one planner.
 */
import { randomUUID } from 'node:crypto';
import { rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../electron/core/audit/audit-log';
import { readImportFile, type ImportFile } from '../../electron/core/registry/import-file';
import { ServerRegistry } from '../../electron/core/registry/server-registry';
import { importNotes } from '../../electron/common/import-columns';
import { MAX_CSV_BYTES, MAX_XLSX_UNPACKED_BYTES } from '../../electron/common/limits';
import type { CsvReport } from '../../electron/common/types';
import { tempDir, testKeychain } from '../helpers/keyring';
import { SecretScan } from '../helpers/secret-scan';
import { deflated, writeZip } from '../helpers/zip-writer';

const scan = new SecretScan();
const passwords: string[] = [];
const password = (what: string) => {
  passwords.push(scan.add(`pw-${what}-${randomUUID()}`, `the ${what} password`));
  return passwords.at(-1)!;
};
let files: { path: string; remove(): Promise<void> };
const dataDirs: string[] = [];

beforeAll(async () => {
  files = await tempDir('bf-import-files-');
});
afterAll(async () => {
  await files.remove();
  await Promise.all(dataDirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function registry() {
  const dir = await tempDir();
  dataDirs.push(dir.path);
  return ServerRegistry.open({ dataDir: dir.path, secrets: testKeychain(), audit: new AuditLog(join(dir.path, 'audit.jsonl')) });
}

async function file(name: string, content: Buffer | string): Promise<string> {
  const path = join(files.path, name);
  await writeFile(path, content);
  return path;
}

async function workbook(build: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Preview, then import, of the same file: the verdicts must agree, and the report holds no password. */
async function previewAndImport(path: string, sheet?: string) {
  const reg = await registry();
  const source: ImportFile = await readImportFile(path, sheet);
  const preview = await reg.previewFile(source);
  const imported = await reg.importFile(source);
  expect(imported).toEqual(preview);
  scan.value(`the report of ${path}`, preview);
  scan.value(`the notes of ${path}`, importNotes(preview));
  return { reg, report: preview, notes: importNotes(preview) };
}

const verdicts = (report: CsvReport) => report.rows.map((r) => [r.row, r.name, r.url, r.accepted ? 'ok' : r.reason]);

describe('CSV as spreadsheets save it', () => {
  it('reads Excel\'s European ";" CSV, with its BOM and CRLF line ends', async () => {
    const [pw1, pw2] = [password('semicolon-1'), password('semicolon-2')];
    const text = `\uFEFFname;url;site;username;password\r\nLobby;http://10.0.0.1;Acme, Inc.;admin;${pw1}\r\n"Gate; east";10.0.0.2:8080;Acme;ops;${pw2}\r\nYard;http://10.0.0.3;Acme\r\n`;
    const { reg, report, notes } = await previewAndImport(await file('excel-semicolon.csv', Buffer.from(text, 'utf8')));
    expect(report.format).toEqual({ type: 'csv', separator: ';' });
    expect(notes).toEqual(['Read as CSV separated by semicolons (;).']);
    expect(verdicts(report)).toEqual([
      [2, 'Lobby', 'http://10.0.0.1', 'ok'],
      [3, 'Gate; east', 'http://10.0.0.2:8080', 'ok'],
      [4, 'Yard', 'http://10.0.0.3', 'This row has 3 cells but the header has 5: check for a missing or extra semicolon.'],
    ]);
    expect(reg.list().map((s) => [s.name, s.site])).toEqual([['Gate; east', 'Acme'], ['Lobby', 'Acme, Inc.']]);
    expect(await reg.credentials(reg.findByName('Lobby')!.id)).toEqual({ username: 'admin', password: pw1 });
    expect(await reg.credentials(reg.findByName('Gate; east')!.id)).toEqual({ username: 'ops', password: pw2 });
  });

  it('reads tab-separated text, as Excel\'s "Unicode text" and device lists write it, with other tools\' header names', async () => {
    const pw = password('tab');
    const text = `Device Name\tIP Address\tMAC\tLocation\tLogin\tPwd\tComment\r\ncam-01\t10.0.4.17\t00:11:22:33:44:55\tNorth\tadmin\t${pw}\t"lobby, ""door 2"""\r\n`;
    const { reg, report, notes } = await previewAndImport(await file('devices.txt', text));
    expect(report.format).toEqual({ type: 'csv', separator: '\t' });
    expect(notes).toEqual([
      'Read as CSV separated by tabs.',
      'Column “Device Name” ignored: this app keeps no such field.',
      'Column “IP Address” read as url.',
      'Column “MAC” ignored: this app keeps no such field.',
      'Column “Location” read as site.',
      'Column “Login” read as username.',
      'Column “Pwd” read as password.',
      'Column “Comment” read as notes.',
      'No name column: each server is named after its address.',
    ]);
    expect(report.rows).toEqual([{ row: 2, accepted: true, name: '10.0.4.17', url: 'http://10.0.4.17', site: 'North', hasCredentials: true, bareAddress: '10.0.4.17', namedAfterAddress: true }]);
    expect(reg.list()[0]).toMatchObject({ notes: 'lobby, "door 2"' });
  });

  it('takes bare addresses as http on port 80 unless given, refusing a path, a query or credentials for that row', async () => {
    const secret = password('in-address');
    const text = [
      'Name,Address,Site',
      'a,10.0.0.5,North',
      'b,10.0.0.5:8080,North',
      'c,cam-17.site.lan,North',
      'd,10.0.0.6:80,North',
      'e,10.0.0.7/admin,North',
      'f,10.0.0.8?x=1,North',
      `g,admin:${secret}@10.0.0.9,North`,
      'h,https://10.0.0.10:8443,North',
    ].join('\n');
    const { report, notes } = await previewAndImport(await file('bare.csv', text));
    expect(notes).toContain('Column “Address” read as url.');
    expect(verdicts(report).map(([row, name, url, verdict]) => [row, name, url, verdict === 'ok' ? 'ok' : String(verdict).replace(/^.*" /, '')])).toEqual([
      [2, 'a', 'http://10.0.0.5', 'ok'],
      [3, 'b', 'http://10.0.0.5:8080', 'ok'],
      [4, 'c', 'http://cam-17.site.lan', 'ok'],
      [5, 'd', 'http://10.0.0.6', 'ok'],
      [6, 'e', '10.0.0.7/admin', expect.stringContaining('has a path, query or fragment')],
      [7, 'f', '10.0.0.8?x=1', expect.stringContaining('has a path, query or fragment')],
      [8, 'g', '…@10.0.0.9', expect.stringContaining('contains credentials')],
      [9, 'h', 'https://10.0.0.10:8443', 'ok'],
    ]);
    expect(report.rows.filter((r) => r.accepted && r.bareAddress).map((r) => r.accepted && r.bareAddress)).toEqual(['10.0.0.5', '10.0.0.5:8080', 'cam-17.site.lan', '10.0.0.6:80']);
  });
});

describe('.xlsx workbooks', () => {
  it('reads typed cells as the text they show, a formula as its cached value (never evaluated), a merged header cell once', async () => {
    const pwText = password('xlsx-text');
    const bytes = await workbook((wb) => {
      wb.addWorksheet('Cover').addRow(['Site survey, Acme']);
      const sheet = wb.addWorksheet('Cameras');
      sheet.addRow(['Camera inventory — exported 2026-11-30']); // a title above the header
      sheet.mergeCells('A1:F1');
      sheet.addRow(['Name', 'IP address', '', 'Location', 'User', 'Password', 'Installed']);
      sheet.mergeCells('B2:C2'); // the header cell spans the address and a port column
      sheet.addRow(['cam-01', '10.0.0.21', 8080, 'North', 'admin', pwText, new Date(Date.UTC(2026, 0, 2))]);
      // The formula would give 10.9.9.9; the cached result, which Excel shows, is what counts.
      sheet.addRow([{ richText: [{ text: 'cam-' }, { text: '02', font: { bold: true } }] }, { formula: '"10.9.9.9"', result: '10.0.0.22' }, null, 'North', 'admin', 4711_0815, true]);
      sheet.addRow(['cam-03', { text: 'http://10.0.0.23', hyperlink: 'http://10.0.0.23/' }, null, { formula: 'D3', result: 'North' }, '', '', { formula: 'NOW()' }]);
      sheet.addRow(['cam-04', { formula: 'NA()', result: { error: '#N/A' } }, null, 'South']);
      sheet.getCell('G3').numFmt = 'yyyy-mm-dd';
    });
    const { reg, report, notes } = await previewAndImport(await file('inventory.xlsx', bytes));
    expect(report.format).toEqual({ type: 'xlsx', sheet: 'Cameras', sheets: ['Cover', 'Cameras'], headerRow: 2 });
    expect(notes).toEqual([
      'Read sheet “Cameras” of 2: “Cover”, “Cameras”.',
      'Header row: row 2; the rows above it are skipped.',
      'Column “IP address” read as url.',
      'Column “Location” read as site.',
      'Column “User” read as username.',
      'Column “Installed” ignored: this app keeps no such field.',
      'Column 3 has data but no header: ignored.',
    ]);
    expect(verdicts(report)).toEqual([
      [3, 'cam-01', 'http://10.0.0.21', 'ok'],
      [4, 'cam-02', 'http://10.0.0.22', 'ok'],
      [5, 'cam-03', 'http://10.0.0.23', 'ok'],
      [6, 'cam-04', '#N/A', expect.stringContaining('is not a valid address')],
    ]);
    expect(reg.list().map((s) => [s.name, s.site, s.hasCredentials])).toEqual([
      ['cam-01', 'North', true],
      ['cam-02', 'North', true],
      ['cam-03', 'North', false],
    ]);
    expect(await reg.credentials(reg.findByName('cam-01')!.id)).toEqual({ username: 'admin', password: pwText });
    // A number typed as a password is its digits.
    expect(await reg.credentials(reg.findByName('cam-02')!.id)).toEqual({ username: 'admin', password: '47110815' });
  });

  it('reads the sheet it is told to, and names the sheets when there is no such sheet', async () => {
    const path = await file('two-sheets.xlsx', await workbook((wb) => {
      wb.addWorksheet('North').addRows([['host', 'customer'], ['cam-n.lan', 'Acme']]);
      wb.addWorksheet('South').addRows([['server', 'premises'], ['cam-s.lan', 'Globex']]);
    }));
    expect((await previewAndImport(path)).report.rows).toMatchObject([{ name: 'cam-n.lan', url: 'http://cam-n.lan', site: 'Acme' }]);
    const south = await previewAndImport(path, 'South');
    expect(south.report.rows).toMatchObject([{ row: 2, name: 'cam-s.lan', url: 'http://cam-s.lan', site: 'Globex' }]);
    expect(south.notes.slice(0, 3)).toEqual(['Read sheet “South” of 2: “North”, “South”.', 'Column “server” read as url.', 'Column “premises” read as site.']);
    const reg = await registry();
    await expect(reg.previewFile(await readImportFile(path, 'West'))).rejects.toMatchObject({
      kind: 'InvalidSpreadsheet',
      message: expect.stringContaining('The workbook has no sheet named “West”: its sheets are “North”, “South”.'),
    });
  });

  it('refuses a workbook with no address column in any sheet, naming its sheets', async () => {
    const path = await file('no-address.xlsx', await workbook((wb) => {
      wb.addWorksheet('Staff').addRows([['name', 'phone'], ['Ann', '555']]);
      wb.addWorksheet('Empty');
    }));
    const reg = await registry();
    await expect(reg.importFile(await readImportFile(path))).rejects.toMatchObject({
      kind: 'InvalidSpreadsheet',
      message: expect.stringMatching(/has no address column.*sheets are “Staff”, “Empty”.*Nothing was imported/),
    });
    expect(reg.list()).toEqual([]);
  });
});

describe('hostile workbooks', () => {
  const refusal = async (name: string, bytes: Buffer) => {
    const reg = await registry();
    const err = await readImportFile(await file(name, bytes)).then((source) => reg.importFile(source)).catch((e: unknown) => e);
    expect(reg.list()).toEqual([]);
    expect(err).toMatchObject({ message: expect.stringContaining('Nothing was imported') });
    return err as { kind: string; message: string };
  };

  it('refuses a zip bomb by its declared size, before inflating it', async () => {
    // 48 MiB of zeros deflate to about 48 KiB.
    const bomb = writeZip([deflated('xl/worksheets/sheet1.xml', Buffer.alloc(MAX_XLSX_UNPACKED_BYTES + 16 * 1024 * 1024))]);
    expect(bomb.length).toBeLessThan(200 * 1024);
    expect(await refusal('bomb.xlsx', bomb)).toMatchObject({ kind: 'InvalidSpreadsheet', message: expect.stringContaining(`unpacks to more than ${MAX_XLSX_UNPACKED_BYTES / 1048576} MiB`) });
  });

  it('refuses a zip bomb that declares small sizes, stopping its inflation at the declared size', async () => {
    const honest = deflated('xl/worksheets/sheet1.xml', Buffer.alloc(MAX_XLSX_UNPACKED_BYTES + 16 * 1024 * 1024));
    const lying = writeZip([{ ...honest, declaredSize: 1024 }]);
    expect(await refusal('lying.xlsx', lying)).toMatchObject({ kind: 'InvalidSpreadsheet', message: expect.stringContaining('does not unpack to the size it declares') });
  });

  it('refuses a zip of too many parts', async () => {
    const many = writeZip(Array.from({ length: 1001 }, (_, i) => deflated(`part${i}.xml`, 'x')));
    expect(await refusal('many.xlsx', many)).toMatchObject({ kind: 'InvalidSpreadsheet', message: expect.stringContaining('holds 1001 parts') });
  });

  it('refuses what is not a workbook: random bytes, an old .xls, a zip of something else', async () => {
    expect(await refusal('random.xlsx', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)))).toMatchObject({
      kind: 'InvalidSpreadsheet',
      message: expect.stringContaining('not a zip archive'),
    });
    const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(4096)]);
    expect(await refusal('old.xls', ole)).toMatchObject({ kind: 'InvalidSpreadsheet', message: expect.stringContaining('Excel 97-2003 (.xls)') });
    expect(await refusal('notes.xlsx', writeZip([deflated('readme.txt', 'hello')]))).toMatchObject({ kind: 'InvalidSpreadsheet' });
    const truncated = (await workbook((wb) => wb.addWorksheet('S').addRow(['url']))).subarray(0, 600);
    expect(await refusal('cut.xlsx', truncated)).toMatchObject({ kind: 'InvalidSpreadsheet' });
  });

  it('refuses a file larger than any server list, by its size, without reading it', async () => {
    const path = await file('huge.xlsx', Buffer.from('PK\x03\x04'));
    await truncate(path, MAX_CSV_BYTES + 1);
    await expect(readImportFile(path)).rejects.toMatchObject({ kind: 'InvalidCsv', message: expect.stringContaining('larger than any server list') });
    const reg = await registry();
    await expect(reg.previewFile({ xlsx: Buffer.alloc(MAX_CSV_BYTES + 1) })).rejects.toMatchObject({ kind: 'InvalidSpreadsheet', message: expect.stringContaining('larger than any server list') });
  });
});

// Last: every test above has written its data and reports by now.
describe('passwords from sheets', () => {
  it('reach neither a data folder nor a report, and the scan was not vacuous', async () => {
    for (const dir of dataDirs) await scan.folder(dir);
    expect(scan.findings).toEqual([]);
    // The same scan over the input files finds each password: it looks where they are.
    const inputs = new SecretScan();
    for (const pw of passwords) inputs.add(pw, pw);
    await inputs.folder(files.path);
    expect(passwords.length).toBe(5);
    expect(inputs.findings.length).toBe(4); // the xlsx file's password sits in deflated XML, out of sight of a text scan
    expect(dataDirs.length).toBeGreaterThan(5);
  });
});
