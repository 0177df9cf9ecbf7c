/**
 * The overview, the handover report and the first-run screen, end to end: the built renderer in
 * Chromium, the real IPC handlers and core, simulated BrainFrame servers on loopback. Screenshots
 * land in test-results/screenshots (the README shows the overview).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { closeBrowser, launchApp, SCREENSHOT_DIR, type E2eApp } from './harness';
import { seedFleet } from './fixtures';
import { FleetPage } from './fleet-page';
import type { Fleet } from '../sim/fleet';
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

describe('first run', () => {
  it('shows what to do with an empty registry', async () => {
    app = await launchApp();
    const ui = new FleetPage(app.page);
    await ui.ready();
    const first = app.page.getByTestId('first-run');
    await expect.poll(() => first.textContent()).toContain('No servers yet');
    expect((await first.getByRole('button').allTextContents()).map((t) => t.trim())).toEqual(['Add server', 'Import…', 'Find servers on the network']);
    expect(await first.textContent()).toContain('npm run demo');
    await app.screenshot('first-run');
    await first.getByRole('button', { name: 'Add server' }).click();
    await app.page.getByRole('dialog').waitFor();
  });
});

describe('overview and report', () => {
  it('shows the fleet at a glance in light and dark, leads to a server’s row, and saves a report', async () => {
    app = await launchApp({
      seed: async (core) => {
        const seeded = await seedFleet(core, [
          { name: 'cam-valid', site: 'North', options: { terms: { expiration_date: utcDateFromToday(120), max_streams: 8 }, streams: { total: 8, analyzed: 7 } } },
          { name: 'cam-soon', site: 'North', options: { terms: { expiration_date: utcDateFromToday(6), max_streams: 4 } } },
          { name: 'cam-jan', site: 'North', options: { terms: { expiration_date: utcDateFromToday(50), max_streams: 4 } } },
          { name: 'cam-perpetual', site: 'South', options: { terms: { expiration_date: null, max_streams: 16 }, streams: { total: 3, analyzed: 2 } } },
          { name: 'cam-expired', site: 'South', options: { state: 'expired' } },
          { name: 'cam-empty', site: 'South', options: { state: 'missing' } },
          { name: 'cam-down', site: 'East', options: { fault: 'refuse' } },
        ]);
        fleet = seeded.fleet;
      },
    });
    const ui = new FleetPage(app.page);
    await ui.ready();
    await ui.button('Refresh all').click();
    await ui.waitForSummary();
    await ui.dismissSummary();

    const overviewButton = app.page.getByRole('button', { name: 'Overview', exact: true });
    await overviewButton.click();
    expect(await overviewButton.getAttribute('aria-pressed')).toBe('true');
    const overview = app.page.getByRole('region', { name: 'Overview of all servers' });
    const count = async (list: string, state: string) => Number((await overview.getByTestId(list).locator(`li[data-state="${state}"] strong`).textContent())?.trim());
    expect(await count('health-counts', 'valid')).toBe(3);
    expect(await count('health-counts', 'expiring')).toBe(1);
    expect(await count('health-counts', 'expired')).toBe(1);
    expect(await count('health-counts', 'missing')).toBe(1);
    expect(await count('health-counts', 'unknown')).toBe(1);
    expect(await count('reach-counts', 'offline')).toBe(1);
    // Streams are read with the license (the setting's default): 7 + 2 analysed, against 8 + 4 + 4 + 16 licensed.
    expect((await overview.getByTestId('streams').textContent())?.replace(/\s+/g, ' ').trim()).toBe('9 analysed of 32 licensed, on the 4 servers whose streams were read');
    expect(await overview.getByRole('img').getAttribute('aria-label')).toMatch(/^Licenses expiring per month over the next 12 months: .+\. Already expired: 1\.$/);
    expect(await overview.getByTestId('needs-action').getByRole('button').allTextContents()).toEqual(['cam-expired', 'cam-empty', 'cam-soon', 'cam-down']);
    await app.screenshot('overview-light');
    await app.page.emulateMedia({ colorScheme: 'dark' });
    await app.screenshot('overview-dark');
    await app.page.emulateMedia({ colorScheme: 'light' });

    // A server needing action is one click from its row, with its details open.
    await overview.getByRole('button', { name: 'cam-down' }).click();
    await ui.grid.waitFor();
    await expect.poll(async () => ui.grid.getAttribute('aria-activedescendant')).toBe(await ui.row('cam-down').getAttribute('id'));
    await app.page.getByRole('complementary').getByText('cam-down').first().waitFor();

    // Report…: a self-contained HTML page through the real handlers.
    await ui.button('Report…').click();
    const dialog = app.page.getByRole('dialog', { name: 'Handover report' });
    await dialog.getByLabel('Web page (HTML)').check();
    await dialog.getByRole('button', { name: 'Save report…' }).click();
    await expect.poll(() => app!.savedFiles.length).toBe(1);
    const html = await readFile(app.savedFiles[0]!, 'utf8');
    expect(app.savedFiles[0]).toMatch(/license-report-\d{4}-\d\d-\d\d\.html$/);
    for (const name of ['cam-valid', 'cam-soon', 'cam-perpetual', 'cam-expired', 'cam-empty', 'cam-down']) expect(html).toContain(name);

    // The report's first page as a picture, at A4's width in CSS pixels.
    const page = await app.page.context().newPage();
    await page.setViewportSize({ width: 794, height: 1123 });
    await page.setContent(html);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'report-first-page.png') });
    await page.close();
  }, 90_000);
});
