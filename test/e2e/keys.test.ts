/**
 * The key library in the browser: add by paste, by choosing a file, by dropping a file on the
 * window; remove with confirmation. Keys land in the real vault, sealed with the real keychain.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { closeBrowser, launchApp, type E2eApp } from './harness';
import { FleetPage } from './fleet-page';
import { mintKey } from '../sim/keys';

let app: E2eApp | null = null;

afterEach(async () => {
  await app?.close();
  app = null;
});
afterAll(() => closeBrowser());

/** A key as e-mails carry it: wrapped at 64 columns, with a trailing newline. */
function wrapped(key: string): string {
  return `${key.match(/.{1,64}/g)!.join('\n')}\n`;
}

describe('key library in the browser', () => {
  it('adds keys by paste, by file and by drop, and removes one after confirmation', async () => {
    app = await launchApp();
    const ui = new FleetPage(app.page);
    await ui.ready();
    const page = app.page;

    await ui.button('Keys 0').click();
    const dialog = page.getByRole('dialog', { name: 'License keys' });
    await dialog.waitFor();

    // Paste: the text goes to the vault and the textarea is emptied.
    const pasted = mintKey();
    const textarea = dialog.getByRole('textbox', { name: 'License key text' });
    await textarea.fill(wrapped(pasted));
    await dialog.getByRole('textbox', { name: 'Label (optional)' }).fill('Customer A 2027');
    await dialog.getByRole('button', { name: 'Add pasted key' }).click();
    const table = dialog.getByRole('table', { name: 'Keys in the library' });
    await expect.poll(() => table.textContent()).toContain('Customer A 2027');
    expect(await textarea.inputValue()).toBe('');
    const [first] = app.core.vault.list();
    expect(first?.label).toBe('Customer A 2027');
    expect(await table.textContent()).toContain(first!.shortFingerprint);
    expect(await app.core.vault.keyText(first!.id)).toBe(pasted);

    // Not a key: the vault's own message, in the dialog.
    await textarea.fill('Hello! This is not a key.');
    await dialog.getByRole('button', { name: 'Add pasted key' }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('Paste the whole key, or choose the key file');

    // Choose a file: its name becomes the label.
    await dialog.getByLabel('Choose a key file').setInputFiles({ name: 'site-b.lic', mimeType: 'application/octet-stream', buffer: Buffer.from(wrapped(mintKey({ maxStreams: 32 }))) });
    await expect.poll(() => table.textContent()).toContain('site-b');
    // A file far too large for a key is refused before it is read.
    await dialog.getByLabel('Choose a key file').setInputFiles({ name: 'video.mp4', mimeType: 'video/mp4', buffer: Buffer.alloc(200 * 1024, 1) });
    await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('larger than any license key');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    // Drop a file anywhere on the window: an overlay appears, then the library shows the new key.
    const dropped = mintKey({ perpetual: true });
    await page.evaluate((text) => {
      const data = new DataTransfer();
      data.items.add(new File([text], 'perpetual.key', { type: 'text/plain' }));
      const target = document.querySelector('[role=grid]')!;
      target.dispatchEvent(new DragEvent('dragenter', { dataTransfer: data, bubbles: true, cancelable: true }));
      (window as unknown as { __dropData: DataTransfer }).__dropData = data;
    }, dropped);
    await page.getByText('Drop a license key file to add it to the library').waitFor();
    await app.screenshot('key-drop');
    await page.evaluate(() => {
      const data = (window as unknown as { __dropData: DataTransfer }).__dropData;
      document.querySelector('[role=grid]')!.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    await dialog.waitFor();
    await expect.poll(() => table.textContent()).toContain('perpetual');
    expect(app.core.vault.list().map((k) => k.label)).toEqual(['Customer A 2027', 'site-b', 'perpetual']);
    expect(await page.getByText('Drop a license key file').count()).toBe(0);
    await app.screenshot('keys');

    // Remove, with confirmation.
    await dialog.getByRole('button', { name: 'Remove key site-b' }).click();
    await expect.poll(() => dialog.textContent()).toContain('Remove “site-b”?');
    expect(app.core.vault.list()).toHaveLength(3);
    await dialog.getByRole('button', { name: 'Remove', exact: true }).click();
    await expect.poll(() => app!.core.vault.list().map((k) => k.label)).toEqual(['Customer A 2027', 'perpetual']);
    await expect.poll(() => table.textContent()).not.toContain('site-b');
    // Key text never stays in the page.
    expect(await page.content()).not.toContain(pasted.slice(0, 40));
  });
});
