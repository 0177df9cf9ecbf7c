/**
 * "Find servers on the network" in the browser, over the real handlers, core and keychain, against
 * a loopback "subnet" of simulated servers (127.A.B.x). Nothing is probed outside 127.0.0.0/8.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { closeBrowser, launchApp, type E2eApp } from './harness';
import { FleetPage } from './fleet-page';
import { freePort, loopbackPrefix } from '../helpers/loopback-subnet';
import { startSimServer, type SimServer, type SimServerOptions } from '../sim/server';

let app: E2eApp | null = null;
const sims: SimServer[] = [];

afterEach(async () => {
  await app?.close();
  app = null;
  await Promise.all(sims.splice(0).map((s) => s.close()));
});
afterAll(() => closeBrowser());

const ADMIN = { username: 'admin', password: 'e2e discovery pass' };

describe('finding servers in the browser', () => {
  it('scans a range, streams what answers, cancels, and adds the chosen ones with shared credentials, then refreshes them', async () => {
    const prefix = loopbackPrefix();
    const port = await freePort(prefix);
    const sim = async (last: number, opts: SimServerOptions = {}) => {
      const s = await startSimServer({ host: `${prefix}.${last}`, port, ...opts });
      sims.push(s);
      return s;
    };
    const open = await sim(1, { state: 'valid', version: '0.30.5' });
    await sim(2, { auth: ADMIN, state: 'valid' });
    await sim(3, { auth: { username: 'admin', password: 'not the shared one' } });
    const known = await sim(4);
    await sim(5, { fault: 'starting' });
    await sim(6, { fault: 'hang' }); // keeps the scan running until cancelled

    app = await launchApp();
    const ui = new FleetPage(app.page);
    await ui.ready();
    // The first run offers discovery beside adding and importing.
    await ui.button('Find servers on the network').click();
    const dialog = app.page.getByRole('dialog', { name: 'Find servers on the network' });
    await dialog.waitFor();
    await app.core.registry.add({ name: 'known-one', url: known.url });

    const addresses = dialog.getByRole('textbox', { name: 'Addresses' });
    const ports = dialog.getByRole('textbox', { name: 'Ports' });
    await addresses.fill(`${prefix}.1-300`);
    await expect.poll(() => dialog.textContent()).toContain("the range's end 300 is not 0-255");
    expect(await addresses.getAttribute('aria-invalid')).toBe('true');
    await addresses.fill(`${prefix}.1-8`);
    await expect.poll(() => dialog.textContent()).toContain('8 addresses.');
    await ports.fill(String(port));
    await dialog.getByRole('spinbutton', { name: 'Wait (s)' }).fill('60'); // the hanging server holds the scan open until cancelled
    await dialog.getByRole('button', { name: 'Find servers' }).click();

    const status = dialog.getByRole('status', { name: 'Scan progress' });
    const results = dialog.getByRole('table', { name: 'Servers found' });
    // Everything but the hanging server answers at once; the scan waits on that one.
    await expect.poll(() => results.getByRole('row').count(), { timeout: 15_000 }).toBe(6);
    await expect.poll(() => status.textContent()).toMatch(/Probed 7 of 8 · 5 servers found/);
    const text = (await results.textContent()) ?? '';
    expect(text).toContain('No login: anyone on the network is admin');
    expect(text).toContain('Login required');
    expect(text).toContain('starting');
    expect(text).toContain('registered as known-one');
    expect(await dialog.textContent()).toContain('2 servers require no login: anyone on the network is admin there.');
    // Focus moved to Cancel when the scan started.
    expect(await app.page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Cancel scan');
    await app.screenshot('find-servers');
    await app.page.emulateMedia({ colorScheme: 'dark' });
    await app.screenshot('find-servers-dark');
    await app.page.emulateMedia({ colorScheme: 'light' });

    await dialog.getByRole('button', { name: 'Cancel scan' }).click();
    await expect.poll(() => status.textContent()).toMatch(/Cancelled after 7 of 8 probed · 5 servers found/);
    expect(await dialog.getByRole('checkbox', { name: `${known.url} is registered` }).isDisabled()).toBe(true);

    await dialog.getByRole('button', { name: 'Select all 4 new' }).click();
    await dialog.getByRole('combobox', { name: 'Site' }).fill('north');
    await dialog.getByRole('textbox', { name: 'Username' }).fill(ADMIN.username);
    await dialog.getByLabel('Password').fill(ADMIN.password);
    expect(await dialog.textContent()).toContain('plain http');
    await dialog.getByRole('button', { name: 'Add 4 servers' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => app!.page.textContent('body')).toContain(`Added 4 servers; 1 refused the credentials (${prefix}.3-${port})`);

    const added = app.core.registry.bySite('north');
    expect(added.map((s) => s.name).sort()).toEqual([1, 2, 3, 5].map((i) => `${prefix}.${i}-${port}`));
    expect(added.every((s) => s.hasCredentials)).toBe(true);
    expect(await app.page.content()).not.toContain(ADMIN.password);
    // Each new server is refreshed: its license reaches the grid.
    await ui.expectRow(`${prefix}.1-${port}`, 'valid', '0.30.5');
    await ui.expectRow(`${prefix}.3-${port}`, 'Wrong username or password');
    expect(open.requests.filter((r) => r.path === '/api/license').length).toBeGreaterThan(0);
  });
});
