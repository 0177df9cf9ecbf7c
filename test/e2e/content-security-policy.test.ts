/**
 * The built renderer under the app's Content-Security-Policy (no 'unsafe-inline' anywhere): the
 * page carries the policy as a <meta> tag as well as the header, works without a single violation,
 * and an injected inline style is refused.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { META_CONTENT_SECURITY_POLICY } from '../../electron/main/window-options';
import { seedLargeFleet } from './fixtures';
import { FleetPage } from './fleet-page';
import { closeBrowser, launchApp, type E2eApp } from './harness';

let app: E2eApp | null = null;

afterEach(async () => {
  await app?.close();
  app = null;
});
afterAll(() => closeBrowser());

describe('the Content-Security-Policy in the browser', () => {
  it('is in the built page, and the app runs under it without a violation', async () => {
    app = await launchApp({ seed: (core) => seedLargeFleet(core, 60) });
    const violations: string[] = [];
    app.page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    // Load again with the listener in place, so nothing said during start-up is missed.
    await app.page.reload();
    const ui = new FleetPage(app.page);
    await ui.ready();
    await expect.poll(() => ui.grid.getByRole('row').count()).toBeGreaterThan(10); // virtual rows, positioned by :style bindings
    await ui.page.getByRole('button', { name: 'Add server' }).first().click();
    await app.page.getByRole('dialog', { name: 'Add a server' }).waitFor();

    const meta = await app.page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content'));
    expect(meta).toBe(META_CONTENT_SECURITY_POLICY);
    expect(violations).toEqual([]);

    // Inline styles are refused: the policy is in force without 'unsafe-inline'.
    const applied = await app.page.evaluate(async () => {
      const refused = new Promise<string>((resolve) => {
        document.addEventListener('securitypolicyviolation', (e) => resolve(e.violatedDirective), { once: true });
        setTimeout(() => resolve('no violation'), 2000);
      });
      const style = document.createElement('style');
      style.textContent = '#app { outline: 7px solid red; }';
      document.head.append(style);
      return { outline: getComputedStyle(document.getElementById('app')!).outlineWidth, directive: await refused };
    });
    expect(applied.outline).not.toBe('7px');
    expect(applied.directive).toMatch(/^style-src/);
    // …by both policies in force, the header's and the meta tag's, each reported the way a violation
    // by the app itself would have been above.
    await expect.poll(() => violations.length).toBe(2);
  });
});
