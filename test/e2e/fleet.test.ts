/**
 * Refresh and bulk apply, end to end: the built renderer in Chromium, the real IPC handlers and
 * core, and simulated BrainFrame servers on loopback.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { closeBrowser, launchApp, type E2eApp, type LaunchOptions } from './harness';
import { seedFleet, type SeededServer } from './fixtures';
import { FleetPage } from './fleet-page';
import type { Fleet } from '../sim/fleet';
import { mintKey, utcDateFromToday } from '../sim/keys';

let app: E2eApp | null = null;
let fleet: Fleet | null = null;

afterEach(async () => {
  await app?.close();
  await fleet?.close();
  app = null;
  fleet = null;
});
afterAll(() => closeBrowser());

const ADMIN = { username: 'admin', password: 'correct horse' };

async function start(servers: SeededServer[], extra?: LaunchOptions['seed']): Promise<{ ui: FleetPage; ids: Map<string, string> }> {
  let ids = new Map<string, string>();
  app = await launchApp({
    seed: async (core) => {
      const seeded = await seedFleet(core, servers);
      fleet = seeded.fleet;
      ids = seeded.ids;
      await extra?.(core);
    },
  });
  const ui = new FleetPage(app.page);
  await ui.ready();
  return { ui, ids };
}

describe('fleet operations in the browser', () => {
  it('refreshes a mixed fleet and shows each server as it is', async () => {
    const { ui } = await start([
      { name: 'Valid', site: 'North', options: { state: 'valid' } },
      { name: 'Expiring', site: 'North', options: { terms: { expiration_date: utcDateFromToday(5) } } },
      { name: 'Expired', site: 'South', options: { state: 'expired' } },
      { name: 'Invalid', site: 'South', options: { state: 'invalid' } },
      { name: 'Empty', site: 'South', options: { state: 'missing' } },
      { name: 'Down', site: 'East', options: { fault: 'refuse' } },
      { name: 'Locked', site: 'East', options: { auth: ADMIN }, credentials: { username: 'admin', password: 'wrong' } },
      { name: 'Booting', site: 'East', options: { fault: 'starting' } },
    ]);
    expect(await ui.rowText('Valid')).toContain('never checked');

    await ui.button('Refresh all').click();
    const heading = await ui.waitForSummary();
    expect(heading).toBe('Read the license of 5 of 8 servers · 3 failed');

    await ui.expectRow('Valid', 'online', 'valid', 'in 365 days');
    await ui.expectRow('Expiring', 'expiring', 'in 5 days');
    await ui.expectRow('Expired', 'expired', 'days ago');
    await ui.expectRow('Invalid', 'invalid');
    await ui.expectRow('Empty', 'no license');
    await ui.expectRow('Down', 'offline', 'Server unreachable');
    await ui.expectRow('Locked', 'auth failed', 'Wrong username or password');
    await ui.expectRow('Booting', 'offline', 'Server still starting');
    expect(await ui.chipCount('unreachable')).toBe(2);
    expect(await ui.chipCount('auth failed')).toBe(1);
    expect(await ui.chipCount('expiring soon')).toBe(1);

    // One summary with a reason per failure, never a notification per server.
    expect(await ui.summary.getByRole('table', { name: 'Failures' }).getByRole('row').count()).toBe(1 + 3);
    // Servers that answered with a license that needs attention: each with its cause and next step.
    const attention = ui.summary.getByRole('table', { name: 'Servers that need attention' });
    expect(await attention.getByRole('row').count()).toBe(1 + 4);
    expect(await attention.textContent()).toContain('No key is loaded: BrainFrame analyses no stream.');
    await expect.poll(() => ui.summary.textContent()).toContain('Try again in a minute');
    expect(await app!.page.locator('.toast').count()).toBe(0);

    // The expiry ladder's banner, and expired/expiring first by default.
    expect(await app!.page.getByText('1 license has expired and 1 license expires within 7 days.').count()).toBe(1);
    await ui.dismissSummary();
    expect((await ui.renderedNames()).slice(0, 3)).toEqual(['Expired', 'Invalid', 'Expiring']);
    await app!.screenshot('grid');

    // The side panel: full terms and the last error with what to do.
    await ui.row('Locked').dblclick();
    const panel = app!.page.getByRole('complementary');
    await expect.poll(() => panel.textContent()).toContain('Check the credentials stored for this server');
    expect(await panel.textContent()).toContain('Checked — Wrong username or password');
    await app!.screenshot('server-panel');

    // Settings: a shorter warning window, and "Expiring" (5 days left) is no longer expiring soon.
    await ui.button('Settings').click();
    const settings = app!.page.getByRole('dialog', { name: 'Settings' });
    await settings.getByRole('spinbutton', { name: 'Expiry warning in days' }).fill('3');
    await settings.getByRole('button', { name: 'Save' }).click();
    await settings.waitFor({ state: 'detached' });
    expect(app!.core.settings.get().expiryWarningDays).toBe(3);
    await expect.poll(() => ui.chipCount('expiring soon')).toBe(0);
    await ui.expectRow('Expiring', 'valid', 'in 5 days');
  });

  it('shows stream headroom in every band, filters to those near the limit, and lists the streams', async () => {
    const { ui } = await start([
      { name: 'Roomy', options: { terms: { max_streams: 8 }, streams: { total: 6, analyzed: 4 } } },
      { name: 'Full', options: { terms: { max_streams: 8 }, streams: { total: 9, analyzed: 8 } } },
      { name: 'Overloaded', options: { terms: { max_streams: 4 }, streams: { total: 8, analyzed: 6 } } },
      { name: 'Unlicensed', options: { state: 'missing', streams: { total: 8, analyzed: 6 } } },
      { name: 'Older', options: { terms: { max_streams: 8 }, streams: { total: 8, analyzed: 2 }, noStreamStatus: true } },
    ]);
    await ui.button('Refresh all').click();
    await ui.waitForSummary();
    await ui.dismissSummary();
    await ui.expectRow('Roomy', '4 / 8');
    await ui.expectRow('Full', 'near', '8 / 8');
    await ui.expectRow('Overloaded', 'over', '6 / 4');
    await ui.expectRow('Unlicensed', 'unknown');
    await ui.expectRow('Older', '? / 8');
    expect(await ui.chipCount('near the stream limit')).toBe(2);
    await app!.screenshot('grid-streams');

    await ui.chip('near the stream limit').click();
    expect((await ui.renderedNames()).sort()).toEqual(['Full', 'Overloaded']);

    await ui.row('Overloaded').dblclick();
    const panel = app!.page.getByRole('complementary');
    await expect.poll(() => panel.textContent()).toContain('6 of 8 configured streams are analysed');
    expect(await panel.getByRole('list').first().getByRole('listitem').count()).toBe(8);
    expect(await panel.textContent()).toContain('Next step: Apply a key for at least 6 streams, or turn analysis off on 2 streams.');
    await app!.screenshot('server-panel-streams');
  });

  it('applies a key to the frozen selection, summarises failures, and retries them after a fix', async () => {
    const servers: SeededServer[] = [
      { name: 'Alpha', site: 'North', options: { state: 'missing' } },
      { name: 'Bravo', site: 'North', options: { state: 'expired' } },
      { name: 'Charlie', site: 'North', options: { state: 'valid' } },
      { name: 'Delta', site: 'South', options: { state: 'missing', auth: ADMIN }, credentials: ADMIN },
      { name: 'Echo', site: 'South', options: { state: 'missing', auth: ADMIN }, credentials: { username: 'admin', password: 'typo' } },
      { name: 'Foxtrot', site: 'South', options: { state: 'missing', auth: ADMIN, role: 'user' }, credentials: ADMIN },
      { name: 'Golf', site: 'South', options: { state: 'missing' } },
      { name: 'Hotel', site: 'East', options: { state: 'missing' } },
    ];
    const { ui, ids } = await start(servers, async (core) => {
      await core.vault.addText(mintKey({ maxStreams: 8 }), 'Customer 2027');
    });
    const sim = (name: string) => fleet!.servers[servers.findIndex((s) => s.name === name)]!;
    await sim('Golf').setFault('refuse');

    await ui.button('Refresh all').click();
    await ui.waitForSummary();
    await ui.dismissSummary();

    // Select the North and South servers, then hide South with the filter: still selected, and said so.
    await ui.page.getByRole('combobox', { name: 'Site' }).selectOption({ label: 'North' });
    await ui.selectAllShown();
    await ui.page.getByRole('combobox', { name: 'Site' }).selectOption({ label: 'South' });
    await ui.selectAllShown();
    await ui.page.getByRole('combobox', { name: 'Site' }).selectOption({ label: 'North' });
    await expect.poll(() => ui.selectedText()).toContain('7 selected');
    await expect.poll(() => ui.selectedText()).toContain('4 selected hidden by filter');

    await ui.button('Apply key…').click();
    const dialog = ui.page.getByRole('dialog', { name: 'Apply a key to 7 servers' });
    await dialog.waitFor();
    const preview = (await dialog.textContent()) ?? '';
    for (const name of ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo', 'Foxtrot', 'Golf']) expect(preview).toContain(name);
    expect(preview).not.toContain('Hotel');
    expect(preview).toContain('1 valid license will be replaced');
    expect(preview).toContain('1 server was unreachable at the last check and may fail');
    expect(preview).toContain('still licensed for more than 30 days');
    const confirm = dialog.getByRole('button', { name: 'Apply “Customer 2027” to 7 servers' });
    expect(await confirm.isDisabled()).toBe(true); // a long-valid license needs the acknowledgement
    await dialog.getByRole('checkbox', { name: /I understand/ }).check();
    await app!.screenshot('apply-preview');
    await confirm.click();

    const heading = await ui.waitForSummary();
    expect(heading).toBe('Applied key “Customer 2027” to 4 of 7 servers · 3 failed');
    const summary = (await ui.summary.textContent()) ?? '';
    expect(summary).toContain('4 applied');
    expect(summary).toContain('Wrong username or password');
    expect(summary).toContain('Account is not an admin');
    expect(summary).toContain('Server unreachable');
    expect(summary).toContain('Retry failed (3)');
    await ui.expectRow('Alpha', 'applied');
    await app!.screenshot('apply-summary');
    expect(sim('Hotel').putCount).toBe(0); // the unselected server was never touched
    expect(sim('Alpha').license().state).toBe('valid');

    // "3 failed"-style links filter the grid to those servers.
    await ui.summary.getByRole('button', { name: /1 wrong username or password/ }).click();
    await expect.poll(() => ui.renderedNames()).toEqual(['Echo']);
    await ui.expectRow('Echo', 'Wrong username', 'auth failed');

    // Fix one server, retry the failures: only the three are asked again.
    await sim('Golf').setFault(null);
    await ui.button('Retry failed (3)').click();
    expect(await ui.waitForSummary()).toBe('Applied key “Customer 2027” to 1 of 3 servers · 2 failed');
    expect(sim('Golf').license().state).toBe('valid');
    expect(sim('Alpha').putCount).toBe(1);
    const golf = app!.core.status.get(ids.get('Golf')!);
    expect(golf.license?.terms?.max_streams).toBe(8);

    // "Select failed" selects exactly the two still failing.
    await ui.button('Select failed').click();
    await expect.poll(() => ui.selectedText()).toMatch(/^\s*2 selected/);
  });

  it('cancels a bulk apply: requests in flight are aborted, the rest are never sent', async () => {
    const count = 24;
    const servers: SeededServer[] = Array.from({ length: count }, (_, i) => ({ name: `Slow ${String(i + 1).padStart(2, '0')}`, options: { state: 'missing', latencyMs: 700 } }));
    const { ui } = await start(servers, async (core) => {
      await core.vault.addText(mintKey(), 'Bulk key');
      await core.settings.update({ concurrency: 3 });
    });
    await ui.selectAllShown();
    await ui.button('Apply key…').click();
    await ui.page.getByRole('dialog').getByRole('button', { name: `Apply “Bulk key” to ${count} servers` }).click();

    await ui.progress.waitFor();
    await expect.poll(() => ui.progress.textContent(), { timeout: 20_000 }).toMatch(/[1-9] \/ 24/);
    expect(await ui.progress.textContent()).toContain('aborts those in flight');
    await ui.progress.getByRole('button', { name: 'Cancel' }).click();

    const heading = await ui.waitForSummary();
    expect(heading).toMatch(/^Cancelled\. Applied key “Bulk key” to \d+ of 24 servers · \d+ failed$/);
    const applied = Number(/to (\d+) of/.exec(heading)![1]);
    expect(applied).toBeGreaterThan(0);
    expect(applied).toBeLessThan(count);
    expect(await ui.summary.textContent()).toContain('not done (cancelled)');
    const sent = fleet!.servers.reduce((n, s) => n + s.putCount, 0);
    expect(sent).toBeLessThan(count);
    expect(fleet!.servers.filter((s) => s.license().state === 'valid')).toHaveLength(applied);
  });
});
