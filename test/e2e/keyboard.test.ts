/**
 * The main job with the keyboard alone, in the browser over the real handlers and simulated
 * servers: filter, sort, select, open the details, apply, cancel, read the summary, retry the
 * failures; the shortcuts' help and remove. Not one mouse or pointer event reaches the page (the
 * test counts them), and after every step the focus is somewhere a keyboard user can act from.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { expectAccessible } from './accessibility';
import { fleetSessions, type SeededServer } from './fixtures';
import { mintKey } from '../sim/keys';

const sessions = fleetSessions();

/** What has the focus: its role and accessible name as a user would hear them, roughly. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'body';
    const role = el.getAttribute('role') ?? el.tagName.toLowerCase();
    // A control inside its <label> is named by the label's text.
    const name = el.getAttribute('aria-label') ?? ((el as HTMLElement).innerText || el.closest('label')?.textContent) ?? '';
    return `${role} ${name.replace(/\s+/g, ' ').trim()}`.trim();
  });
}

/** Presses Tab (or Shift+Tab) until the focus matches, at most `limit` times. */
async function tabTo(page: Page, wanted: RegExp, { back = false, limit = 40 } = {}): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if (wanted.test(await focused(page))) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`Tab never reached ${wanted} (focus is on "${await focused(page)}")`);
}

const SERVERS: SeededServer[] = [
  { name: 'North 1', site: 'North', options: { state: 'missing', latencyMs: 1_500 } },
  { name: 'North 2', site: 'North', options: { state: 'missing', latencyMs: 1_500 } },
  { name: 'North 3', site: 'North', options: { state: 'missing', latencyMs: 1_500 } },
  { name: 'South 1', site: 'South', options: { state: 'missing' } },
];

describe('keyboard only', () => {
  it('filters, sorts, selects, opens the details, applies, cancels, reads the summary and retries, with no mouse', async () => {
    const { app, fleet, ui } = await sessions.start(SERVERS, async (core) => {
      await core.vault.addText(mintKey({ maxStreams: 8 }), 'Customer 2027');
      await core.settings.update({ concurrency: 1 });
    });
    const { page } = app;
    // Counts every mouse and pointer event from here on (the app has only loaded so far).
    await page.evaluate(() => {
      const w = window as unknown as { pointerEvents: number };
      w.pointerEvents = 0;
      for (const type of ['mousedown', 'mouseup', 'pointerdown', 'pointerup', 'dblclick', 'contextmenu']) window.addEventListener(type, () => w.pointerEvents++, true);
    });

    // Find: Ctrl+F, type, Enter goes to the grid.
    await page.keyboard.press('Control+f');
    expect(await focused(page)).toMatch(/^input Filter servers/);
    await page.keyboard.type('north');
    await expect.poll(() => ui.renderedNames()).toEqual(['North 1', 'North 2', 'North 3']);
    await page.keyboard.press('Enter');
    expect(await focused(page)).toBe('grid Servers');

    // Sort: Tab to the Name header's button; Enter sorts (and does not open the details).
    await tabTo(page, /^button Name: sort/);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await expect.poll(() => ui.renderedNames()).toEqual(['North 3', 'North 2', 'North 1']);
    expect(await ui.grid.getByRole('columnheader', { name: /^Name/ }).getAttribute('aria-sort')).toBe('descending');
    expect(await page.getByRole('complementary').count()).toBe(0);

    // Select: back to the grid, move, Space, Shift+↓.
    await tabTo(page, /^grid Servers$/, { back: true });
    await page.keyboard.press('Home');
    await page.keyboard.press('Space');
    await page.keyboard.press('Shift+ArrowDown');
    await expect.poll(() => ui.selectedText()).toMatch(/^\s*2 selected/);
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      await app.screenshot(`grid-keyboard-focus-${theme}`);
    }
    await page.emulateMedia({ colorScheme: 'light' });

    // The details: Enter opens them and goes there; Shift+F6 comes back to the grid, Esc closes them.
    await page.keyboard.press('Enter');
    const panel = page.getByRole('complementary', { name: 'North 2' });
    await panel.waitFor();
    expect(await focused(page)).toBe('h2 North 2');
    await page.keyboard.press('Shift+F6');
    expect(await focused(page)).toBe('grid Servers');
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    expect(await focused(page)).toBe('grid Servers');

    // Apply: Ctrl+Shift+K opens the preview for the two selected; Tab to the confirm button.
    await page.keyboard.press('Control+Shift+K');
    const dialog = page.getByRole('dialog', { name: 'Apply a key to 2 servers' });
    await dialog.waitFor();
    expect(await focused(page)).toMatch(/^input/); // the key's radio button
    // Staged apply (#13): "Try on 1 server first" is a checkbox on by default, reached by Tab, its
    // count the next stop; the first in the server list's order goes first, the other after it.
    await tabTo(page, /^input Try on 1 server first$/);
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).checked)).toBe(true);
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatch(/^input Servers to try first/);
    await tabTo(page, /^button Apply “Customer 2027” to 2 servers$/);
    await page.keyboard.press('Enter');

    // The run starts: the dialog closes and the focus is on Cancel (its opener is disabled meanwhile).
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => focused(page)).toBe('button Cancel');
    await page.keyboard.press('Enter');

    // The summary takes the focus when the run ends; it is read from there.
    const heading = await ui.waitForSummary();
    expect(heading).toMatch(/^Cancelled\. Applied key “Customer 2027” to [01] of 2 servers · [12] failed$/);
    await expect.poll(() => focused(page)).toMatch(/^h2 Cancelled\./);
    expect(await ui.summary.textContent()).toContain('not done (cancelled)');

    // Retry the failures: the focus goes to Cancel while it runs, to the summary when it is done.
    for (const server of fleet.servers) server.setLatency(0);
    await tabTo(page, /^button Retry failed \(\d\)$/);
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page), { timeout: 15_000 }).toMatch(/^h2 Applied key “Customer 2027” to \d of \d servers$/);
    // North 3 and North 2 were selected (the first two rows, sorted by name descending); North 1 was not.
    expect(fleet.servers.map((s) => s.license().state)).toEqual(['missing', 'valid', 'valid', 'missing']);

    // Esc closes the summary and the focus is back in the grid.
    await page.keyboard.press('Escape');
    await ui.summary.waitFor({ state: 'detached' });
    expect(await focused(page)).toBe('grid Servers');

    // F6 cycles the regions: filter box, grid, (details and operation when shown).
    await page.keyboard.press('F6');
    expect(await focused(page)).toMatch(/^input Filter servers/);
    await page.keyboard.press('F6');
    expect(await focused(page)).toBe('grid Servers');

    // Delete asks before removing the selection; Esc keeps the servers.
    await page.keyboard.press('Delete');
    const remove = page.getByRole('dialog', { name: 'Remove 2 servers?' });
    await remove.waitFor();
    await page.keyboard.press('Escape');
    await remove.waitFor({ state: 'detached' });
    expect(app.core.registry.list()).toHaveLength(4);
    expect(await focused(page)).toBe('grid Servers');

    // ? lists the shortcuts.
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    expect(await help.textContent()).toContain('Ctrl+Shift+K');
    await expectAccessible(page, 'keyboard shortcuts', { within: 'dialog[open]' });
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });

    // The Columns menu opens with Enter and closes with Esc, focus back on its button.
    await tabTo(page, /^summary Columns$/, { back: true });
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('details.menu').getAttribute('open')).toBe('');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('details.menu').getAttribute('open')).toBeNull();
    expect(await focused(page)).toBe('summary Columns');
    // …and when the focus leaves it.
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('details.menu').getAttribute('open')).toBe('');
    await page.keyboard.press('Shift+Tab');
    await expect.poll(() => page.locator('details.menu').getAttribute('open')).toBeNull();

    // Remove for real from the keyboard: Delete, then the dialog's Remove; the Remove… button that
    // opened it is disabled now (nothing selected), so the focus goes back to the grid.
    await tabTo(page, /^grid Servers$/);
    await page.keyboard.press('Delete');
    await remove.waitFor();
    await tabTo(page, /^button Remove 2 servers$/);
    await page.keyboard.press('Enter');
    await remove.waitFor({ state: 'detached' });
    expect(app.core.registry.list().map((s) => s.name)).toEqual(['North 1', 'South 1']);
    await expect.poll(() => focused(page)).toBe('grid Servers');

    expect(await page.evaluate(() => (window as unknown as { pointerEvents: number }).pointerEvents)).toBe(0);
  });
});
