/**
 * axe-core over every main state of the app, light and dark, on a mixed fleet: zero WCAG 2.2 A/AA
 * violations at any impact. Each state is reached the way a user reaches it; adding a state is
 * one `await expectAccessible(page, '<name>')` where the app shows it (a dialog: add it to
 * `dialogs` below, or pass `{ within: 'dialog[open]' }`).
 */
import { describe, expect, it } from 'vitest';
import { expectAccessible } from './accessibility';
import { fleetSessions, type SeededServer } from './fixtures';
import { mintKey, utcDateFromToday } from '../sim/keys';

const sessions = fleetSessions();

const ADMIN = { username: 'admin', password: 'correct horse' };

/** One server in each state the grid can show, so every badge, chip and tint is on screen. */
const MIXED: SeededServer[] = [
  { name: 'Valid', site: 'North', options: { state: 'valid' } },
  { name: 'Expiring', site: 'North', options: { terms: { expiration_date: utcDateFromToday(5) } } },
  { name: 'Notice', site: 'North', options: { terms: { expiration_date: utcDateFromToday(20) } } },
  { name: 'Expired', site: 'South', options: { state: 'expired' } },
  { name: 'Invalid', site: 'South', options: { state: 'invalid' } },
  { name: 'Empty', site: 'South', options: { state: 'missing' } },
  { name: 'Gone', site: 'South', options: { state: 'valid' } },
  { name: 'Locked', site: 'East', options: { auth: ADMIN }, credentials: { username: 'admin', password: 'wrong' } },
  { name: 'Booting', site: 'East', options: { fault: 'starting' } },
];

describe('accessibility (axe-core, WCAG 2.2 A/AA, light and dark)', () => {
  it('has no violations in the grid, its menus, the side panel, every dialog, a running operation and the summary', async () => {
    const { app, fleet, ui } = await sessions.start(MIXED, async (core) => {
      await core.vault.addText(mintKey({ maxStreams: 8 }), 'Customer 2027');
    });
    const { page } = app;
    await expectAccessible(page, 'grid before the first check');

    // A first read, then "Gone" drops off the network: its last known license is shown with its age.
    await ui.button('Refresh all').click();
    await ui.waitForSummary();
    await fleet.servers[MIXED.findIndex((s) => s.name === 'Gone')]!.setFault('refuse');
    await ui.dismissSummary();
    await ui.button('Refresh all').click();
    await ui.waitForSummary();
    await ui.expectRow('Gone', 'offline', 'as of');
    await expectAccessible(page, 'summary with failures');
    await ui.dismissSummary();

    // Filter, selection, and the active row while the grid has focus (the strongest tints).
    await ui.filter('o');
    await ui.check('Valid');
    await ui.check('Gone');
    await ui.grid.focus();
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => ui.selectedText()).toContain('2 selected');
    await expectAccessible(page, 'grid with filter, selection and the active row');
    await ui.filter('');

    await page.getByText('Columns').click();
    await expectAccessible(page, 'columns menu');
    await page.getByText('Columns').click();

    await ui.row('Gone').dblclick();
    await page.getByRole('complementary').waitFor();
    await expectAccessible(page, 'side panel');
    await page.getByRole('button', { name: 'Close details' }).click();

    const dialogs: { open: () => Promise<void>; name: string | RegExp }[] = [
      { open: () => ui.button('Add server').click(), name: 'Add a server' },
      { open: () => ui.row('Locked').getByRole('gridcell', { name: 'Locked', exact: true }).dblclick().then(() => page.getByRole('button', { name: 'Edit…' }).click()), name: 'Edit “Locked”' },
      { open: () => ui.button('Export CSV').click(), name: 'Export the grid as CSV' },
      { open: () => ui.button(/^Keys \d+$/).click(), name: 'License keys' },
      { open: () => ui.button('Settings').click(), name: 'Settings' },
      { open: () => ui.button('Keyboard shortcuts').click(), name: 'Keyboard shortcuts' },
      { open: () => ui.button('Remove…').first().click(), name: /^Remove \d+ servers?\?$/ },
      { open: () => ui.button('Apply key…').click(), name: /^Apply a key to \d+ servers?$/ },
      { open: () => ui.button('Find servers…').click(), name: 'Find servers on the network' },
      { open: () => ui.button('Report…').click(), name: 'Handover report' },
    ];
    for (const d of dialogs) {
      await d.open();
      const dialog = page.getByRole('dialog', { name: d.name });
      await dialog.waitFor();
      await expectAccessible(page, `dialog: ${d.name}`, { within: 'dialog[open]' });
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
    }
    if (await page.getByRole('complementary').count()) await page.getByRole('button', { name: 'Close details' }).click();

    // The overview of the fleet, and its calendar dialog.
    await ui.button('Overview').click();
    await page.getByRole('button', { name: 'Add expiries to calendar…' }).waitFor();
    await expectAccessible(page, 'overview');
    await page.getByRole('button', { name: 'Add expiries to calendar…' }).click();
    await page.getByRole('dialog', { name: 'Add license expiries to a calendar' }).waitFor();
    await expectAccessible(page, 'dialog: expiry calendar', { within: 'dialog[open]' });
    await page.keyboard.press('Escape');
    await ui.button('Overview').click();

    // The import's preview, with refused rows (read, never contacted).
    await ui.button('Import…').first().click();
    const importer = page.getByRole('dialog', { name: 'Import servers' });
    const csv = ['name,url,site', 'Kiosk 1,http://10.0.0.11,Mall', 'Broken,ftp://10.0.0.13,Mall', 'Short row'].join('\n');
    await importer.getByLabel('Choose file… (CSV or .xlsx) to preview').setInputFiles({ name: 'servers.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await expect.poll(() => importer.getByRole('status').textContent()).toBe('1 ready, 2 refused');
    await expectAccessible(page, 'import preview', { within: 'dialog[open]' });
    await page.keyboard.press('Escape');
    await importer.waitFor({ state: 'detached' });

    // A running operation: every server answers slowly, so it is still under way while checked.
    for (const server of fleet.servers) server.setLatency(30_000);
    await ui.button('Refresh all').click();
    await ui.progress.waitFor();
    await expectAccessible(page, 'operation in progress');
    await ui.progress.getByRole('button', { name: 'Cancel' }).click();
    await ui.waitForSummary();

    // The check itself can fail: a faint line planted in the page is reported, whole page or within.
    await page.evaluate(() => {
      const faint = document.createElement('p');
      faint.textContent = 'Planted: grey on white';
      faint.style.color = '#b0b0b0';
      faint.style.background = '#ffffff';
      document.querySelector('main')!.append(faint);
    });
    await expect(expectAccessible(page, 'a planted fault', { themes: ['light'] })).rejects.toThrow(/\[light\] color-contrast \(serious\) at .*insufficient color contrast/);
    await expect(expectAccessible(page, 'a planted fault', { themes: ['light'], within: 'main' })).rejects.toThrow(/color-contrast/);
  });
});
