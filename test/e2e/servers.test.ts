/**
 * Server management in the browser: add with validation and "test connection", CSV import with
 * a preview, and the grid's CSV export — over the real handlers, core and keychain.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { closeBrowser, launchApp, type E2eApp } from './harness';
import { FleetPage } from './fleet-page';
import { startFleet, type Fleet } from '../sim/fleet';
import { utcDateFromToday } from '../sim/keys';

let app: E2eApp | null = null;
let fleet: Fleet | null = null;

afterEach(async () => {
  await app?.close();
  await fleet?.close();
  app = null;
  fleet = null;
});
afterAll(() => closeBrowser());

const ADMIN = { username: 'admin', password: 'correct horse battery' };

describe('servers in the browser', () => {
  it('adds a server after validating its address and testing the connection', async () => {
    fleet = await startFleet({ count: 1, auth: ADMIN, state: 'valid', version: '0.31.2' });
    const url = fleet.urls[0]!;
    app = await launchApp();
    const ui = new FleetPage(app.page);
    await ui.ready();
    expect(await app.page.textContent('body')).toContain('No servers yet.');

    await ui.button('Add server').first().click();
    const dialog = app.page.getByRole('dialog', { name: 'Add a server' });
    await dialog.waitFor();
    // Focus starts in the dialog's first field.
    expect(await app.page.evaluate(() => document.activeElement?.getAttribute('placeholder'))).toContain('Acme HQ');
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('Lobby');
    const address = dialog.getByRole('textbox', { name: 'Address' });
    await address.fill('ftp://10.0.0.5');
    await address.blur();
    await expect.poll(() => dialog.textContent()).toContain('only http and https are allowed');
    expect(await address.getAttribute('aria-invalid')).toBe('true');
    await address.fill(`${url}/api/license`);
    await expect.poll(() => dialog.textContent()).toContain('has a path, query or fragment');

    await address.fill(url);
    await dialog.getByRole('textbox', { name: 'Username' }).fill('admin');
    await dialog.getByLabel('Password').fill('wrong');
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    const result = dialog.getByRole('status', { name: 'Connection test result' });
    await expect.poll(() => result.textContent()).toContain('Check the credentials');

    await dialog.getByLabel('Password').fill(ADMIN.password);
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => result.textContent()).toMatch(/Connected\.\s+BrainFrame 0\.31\.2, license\s+valid/);
    expect(app.core.registry.list()).toHaveLength(0); // testing saves nothing
    await app.screenshot('add-server');

    await dialog.getByRole('button', { name: 'Add server' }).click();
    await dialog.waitFor({ state: 'detached' });
    await ui.expectRow('Lobby', 'never checked');
    const saved = app.core.registry.findByName('Lobby')!;
    expect(saved.hasCredentials).toBe(true);
    expect(await app.core.registry.credentials(saved.id)).toEqual(ADMIN);
    // The password went to the main process and is nowhere in the page.
    expect(await app.page.content()).not.toContain(ADMIN.password);
    // Focus returned to the button that opened the dialog.
    expect(await app.page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Add server');

    // Editing: the password is never filled in; blank keeps the stored credentials, which the test uses.
    await ui.row('Lobby').dblclick();
    await app.page.getByRole('complementary').getByRole('button', { name: 'Edit…' }).click();
    const edit = app.page.getByRole('dialog', { name: 'Edit “Lobby”' });
    await edit.waitFor();
    expect(await edit.getByLabel('Password').inputValue()).toBe('');
    expect(await edit.textContent()).toContain('leave blank to keep them');
    await edit.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => edit.getByRole('status', { name: 'Connection test result' }).textContent()).toContain('Connected.');
    await edit.getByRole('combobox', { name: 'Site' }).fill('Front desk');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });
    await ui.expectRow('Lobby', 'Front desk');
    expect(await app.core.registry.credentials(saved.id)).toEqual(ADMIN);

    // The main process's own refusal is shown where the action happened.
    await ui.button('Add server').first().click();
    const again = app.page.getByRole('dialog', { name: 'Add a server' });
    await again.getByRole('textbox', { name: 'Name', exact: true }).fill('lobby');
    await again.getByRole('textbox', { name: 'Address' }).fill('http://10.1.1.1');
    await again.getByRole('button', { name: 'Add server' }).click();
    await expect.poll(() => again.getByRole('alert').last().textContent()).toContain('A server named "Lobby" already exists');
    await app.page.keyboard.press('Escape');
    await again.waitFor({ state: 'detached' });
    expect(app.core.registry.list()).toHaveLength(1);

    // Remove, after a confirmation that names the server.
    await ui.row('Lobby').click();
    await ui.button('Remove…').first().click();
    const remove = app.page.getByRole('dialog', { name: 'Remove 1 server?' });
    expect(await remove.getByRole('list', { name: 'Servers to remove' }).textContent()).toContain('Lobby');
    await remove.getByRole('button', { name: 'Remove 1 server' }).click();
    await remove.waitFor({ state: 'detached' });
    expect(app.core.registry.list()).toHaveLength(0);
    expect(app.core.registry.get(saved.id)).toBeUndefined();
    await expect.poll(() => app!.page.textContent('body')).toContain('No servers yet.');
  });

  it('imports a CSV after a preview that refuses the bad rows and says why', async () => {
    app = await launchApp();
    const ui = new FleetPage(app.page);
    await ui.ready();
    const csv = [
      'name,url,site,username,password',
      'Kiosk 1,http://10.0.0.11,Mall,,',
      'Kiosk 2,https://10.0.0.12:8443,Mall,admin,secret',
      'Broken,ftp://10.0.0.13,Mall,,',
      'Kiosk 1,http://10.0.0.14,Mall,,',
      'Short row,http://10.0.0.15',
      'Parking,http://10.0.0.16,Outside,,',
    ].join('\r\n');

    await ui.button('Import…').first().click();
    const dialog = app.page.getByRole('dialog', { name: 'Import servers' });
    await dialog.getByLabel('Choose file… (CSV or .xlsx) to preview').setInputFiles({ name: 'servers.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await expect.poll(() => dialog.getByRole('status').textContent()).toBe('3 ready, 3 refused');
    const preview = dialog.getByRole('table', { name: 'Import preview' });
    const rows = await preview.getByRole('row').allTextContents();
    expect(rows).toHaveLength(1 + 6);
    expect(rows.find((r) => r.includes('Broken'))).toContain('only http and https are allowed');
    expect(rows.find((r) => r.includes('10.0.0.14'))).toContain('Row 2 of this file has the same name');
    expect(rows.find((r) => r.includes('Short row'))).toContain('missing or extra comma');
    expect(rows.find((r) => r.includes('Kiosk 2'))).toContain('accepted, with credentials');
    expect(app.core.registry.list()).toHaveLength(0); // nothing saved by the preview
    await app.screenshot('import-preview');

    await dialog.getByRole('button', { name: 'Import 3 valid rows' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => ui.renderedNames()).toEqual(['Kiosk 1', 'Kiosk 2', 'Parking']);
    expect(app.core.registry.list().map((s) => s.name)).toEqual(['Kiosk 1', 'Kiosk 2', 'Parking']);
    expect(await app.page.locator('.toast').textContent()).toContain('Imported 3 servers; 3 refused');
  });

  it('imports an .xlsx dropped on the window, naming each column mapping, reading bare addresses as http, on the sheet chosen', async () => {
    app = await launchApp();
    const ui = new FleetPage(app.page);
    await ui.ready();
    const password = `pw-xlsx-${randomUUID()}`;
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Cameras').addRows([
      ['Name', 'IP address', 'Location', 'Login', 'Pwd', 'Model'],
      ['cam-01', '10.0.0.5', 'North', 'admin', password, 'AXIS'],
      ['cam-02', '10.0.0.6/admin', 'North', '', '', 'AXIS'],
    ]);
    wb.addWorksheet('Recorders').addRows([
      ['host', 'customer'],
      ['nvr-1.site.lan', 'Acme'],
    ]);
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer()).toString('base64');

    await app.page.evaluate((data64) => {
      const bytes = Uint8Array.from(atob(data64), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], 'site-north.xlsx', { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }));
      const grid = document.querySelector('[role=grid]') ?? document.body;
      grid.dispatchEvent(new DragEvent('dragenter', { dataTransfer: data, bubbles: true, cancelable: true }));
      grid.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    }, xlsx);
    const dialog = app.page.getByRole('dialog', { name: 'Import servers' });
    await expect.poll(() => dialog.getByRole('status').textContent().catch(() => '')).toBe('1 ready, 1 refused');
    expect(await dialog.getByRole('list', { name: 'How the file was read' }).getByRole('listitem').allTextContents()).toEqual([
      'Read sheet “Cameras” of 2: “Cameras”, “Recorders”.',
      'Column “IP address” read as url.',
      'Column “Location” read as site.',
      'Column “Login” read as username.',
      'Column “Pwd” read as password.',
      'Column “Model” ignored: this app keeps no such field.',
    ].map((note) => expect.stringContaining(note)));
    const rows = await dialog.getByRole('table', { name: 'Import preview' }).getByRole('row').allTextContents();
    expect(rows.find((r) => r.includes('cam-01'))).toMatch(/http:\/\/10\.0\.0\.5\s*\(from 10\.0\.0\.5\).*accepted, with credentials/);
    expect(rows.find((r) => r.includes('cam-02'))).toContain('has a path, query or fragment');
    expect(await app.page.content()).not.toContain(password);
    await app.screenshot('import-xlsx-preview');

    // The other sheet, then back: each preview is the main process's reading of that sheet.
    const sheet = dialog.getByRole('combobox', { name: 'Sheet' });
    await sheet.selectOption('Recorders');
    await expect.poll(() => dialog.getByRole('status').textContent()).toBe('1 ready, 0 refused');
    expect(await dialog.getByRole('list', { name: 'How the file was read' }).textContent()).toContain('No name column: each server is named after its address.');
    await sheet.selectOption('Cameras');
    await expect.poll(() => dialog.getByRole('status').textContent()).toBe('1 ready, 1 refused');

    await dialog.getByRole('button', { name: 'Import 1 valid row' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => ui.renderedNames()).toEqual(['cam-01']);
    const [server] = app.core.registry.list();
    expect(server).toMatchObject({ name: 'cam-01', url: 'http://10.0.0.5', site: 'North', hasCredentials: true });
    expect(await app.core.registry.credentials(server!.id)).toEqual({ username: 'admin', password });
    expect(await app.page.content()).not.toContain(password);
  });

  it('previews Excel\'s UTF-16 "Unicode text" and its ";" CSV with a BOM and CRLF, and imports the latter', async () => {
    app = await launchApp();
    const ui = new FleetPage(app.page);
    await ui.ready();
    await ui.button('Import…').first().click();
    const dialog = app.page.getByRole('dialog', { name: 'Import servers' });
    // Excel's "Unicode text": UTF-16LE with a BOM, separated by tabs.
    const unicodeText = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Name\tHost\r\nKiosk é\t10.0.0.20\r\n', 'utf16le')]);
    await dialog.getByLabel('Choose file… (CSV or .xlsx) to preview').setInputFiles({ name: 'kiosks.txt', mimeType: 'text/plain', buffer: unicodeText });
    await expect.poll(() => dialog.getByRole('status').textContent()).toBe('1 ready, 0 refused');
    expect(await dialog.getByRole('list', { name: 'How the file was read' }).textContent()).toContain('Read as CSV separated by tabs.');
    expect(await dialog.getByRole('table', { name: 'Import preview' }).textContent()).toContain('Kiosk é');
    const csv = '\uFEFFname;url;site\r\nLobby;10.0.0.21;Acme\r\nGate;http://10.0.0.22;Acme\r\n';
    await dialog.getByLabel('Choose file… (CSV or .xlsx) to preview').setInputFiles({ name: 'excel.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await expect.poll(() => dialog.getByRole('status').textContent()).toBe('2 ready, 0 refused');
    expect(await dialog.getByRole('list', { name: 'How the file was read' }).textContent()).toContain('Read as CSV separated by semicolons (;).');
    await dialog.getByRole('button', { name: 'Import 2 valid rows' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(app.core.registry.list().map((s) => [s.name, s.url])).toEqual([
      ['Gate', 'http://10.0.0.22'],
      ['Lobby', 'http://10.0.0.21'],
    ]);
  });

  it('exports the grid as shown: filtered, sorted, visible columns, with "as of" times', async () => {
    app = await launchApp({
      seed: async (core) => {
        let host = 0;
        const add = (name: string, site: string) => core.registry.add({ name, url: `http://10.0.0.${++host}`, site });
        const valid = (days: number) => ({ state: 'valid' as const, terms: { online_checkin: false, max_streams: 4, journal_max_allowed_age: 86_400, expiration_date: utcDateFromToday(days) } });
        const a = await add('Aardvark', 'Zoo');
        const b = await add('=SUM(A1:A9)', 'Zoo');
        const c = await add('Capybara', 'Zoo');
        const d = await add('Dingo', 'Outback');
        core.status.record(a.id, { license: valid(100), version: '0.30.5' });
        core.status.record(b.id, { license: valid(10), version: '0.30.5' });
        core.status.record(c.id, { error: { kind: 'Unreachable', message: 'Server unreachable.' } });
        core.status.record(d.id, { license: valid(50), version: '0.30.5' });
        await core.status.flush();
      },
    });
    const ui = new FleetPage(app.page);
    await ui.ready();

    await app.page.getByRole('combobox', { name: 'Site' }).selectOption({ label: 'Zoo' });
    await ui.button('Name: sort ascending').click();
    await ui.button('Name: sort descending').click();
    await app.page.getByText('Columns').click();
    await app.page.getByRole('group', { name: 'Visible columns' }).getByRole('checkbox', { name: 'Version' }).uncheck();
    await app.page.getByRole('group', { name: 'Visible columns' }).getByRole('checkbox', { name: 'Journal' }).uncheck();
    await app.page.getByText('Columns').click();
    expect(await ui.renderedNames()).toEqual(['Capybara', 'Aardvark', '=SUM(A1:A9)']);

    await ui.button('Export CSV').click();
    const dialog = app.page.getByRole('dialog', { name: 'Export the grid as CSV' });
    await dialog.getByRole('button', { name: 'Export 3 rows' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(app.savedFiles).toHaveLength(1);
    expect(app.savedFiles[0]).toMatch(/brainframe-licenses-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = (await readFile(app.savedFiles[0]!, 'utf8')).split('\r\n').filter(Boolean);
    expect(lines[0]).toBe('Name,Site,Address,Reachability,License,License as of,Expires,Expiry,Max streams,Analysed streams,Configured streams,Stream headroom,Online check-in,Last checked');
    expect(lines).toHaveLength(4);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['Capybara', 'Aardvark', "'=SUM(A1:A9)"]);
    expect(lines[2]).toMatch(/^Aardvark,Zoo,http:\/\/10\.0\.0\.1,online,valid,\d{4}-\d{2}-\d{2}T[\d:.]+Z,\d{4}-\d{2}-\d{2},in 100 days,4,([^,]*),([^,]*),([^,]*),no,\d{4}-\d{2}-\d{2}T/);
    expect(lines[1]).toMatch(/^Capybara,Zoo,http:\/\/10\.0\.0\.3,offline,unknown,,,unknown,,([^,]*),([^,]*),([^,]*),,\d{4}-/);

    // "Selected only" exports the selected rows the filter shows.
    await ui.check('Aardvark');
    await ui.button('Export CSV').click();
    await dialog.getByRole('checkbox', { name: /Selected servers only/ }).check();
    await dialog.getByRole('button', { name: 'Export 1 row' }).click();
    await dialog.waitFor({ state: 'detached' });
    const selected = (await readFile(app.savedFiles[1]!, 'utf8')).split('\r\n').filter(Boolean);
    expect(app.savedFiles[1]).toMatch(/brainframe-licenses-selected-/);
    expect(selected.map((l) => l.split(',')[0])).toEqual(['Name', 'Aardvark']);
  });
});
