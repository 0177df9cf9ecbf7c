/**
 * The Chromium shell's event transport (scripts/chromium-shell): what the handlers emit reaches the
 * page's `window.bf.on` listeners whole and in order, a large payload (sent in pieces) as well as an
 * event without one. The handlers here are a stand-in, so the test can emit exactly these events.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { Emitter } from '../../electron/common/events';
import { findChromium } from '../../electron/core/report/chromium-pdf';
import type { EmittedEvent } from '../../electron/ipc/handlers';
import { launchChromium, openRenderer } from '../../scripts/chromium-shell/shell';

const browser = await launchChromium({ executablePath: findChromium({ needs: 'The browser tests need' }), headless: true });
afterAll(() => browser.close());

describe('events from the handlers to the page', () => {
  it('arrive whole and in order: a large payload in pieces, and events without a payload', async () => {
    const events = new Emitter<EmittedEvent>();
    const handlers = {
      invoke: async () => ({ ok: false as const, error: { kind: 'NotFound', message: 'not in this test' } }),
      onEvent: events.event,
    };
    const window = await openRenderer(browser, handlers, { rendererDir: resolve('out/renderer'), viewport: { width: 800, height: 600 } });
    try {
      await window.page.evaluate(`(() => {
        window.__received = [];
        for (const channel of ['fleet.done', 'servers.changed', 'keys.changed']) {
          window.bf.on(channel, (payload) => window.__received.push({ channel, payload }));
        }
      })()`);
      // Over 1 MB of JSON (eight pieces or more), with text that JSON must escape and characters outside ASCII.
      const results = Array.from({ length: 16000 }, (_, i) => ({ serverId: `s-${i}`, name: `cam "${i}" \\ ünïcode ✓`, ok: i % 7 !== 0 }));
      const done = { id: 'op-1', kind: 'refresh', results };
      events.fire({ channel: 'servers.changed', payload: undefined } as EmittedEvent);
      events.fire({ channel: 'fleet.done', payload: done } as unknown as EmittedEvent);
      events.fire({ channel: 'keys.changed', payload: undefined } as EmittedEvent);
      expect(JSON.stringify(done).length).toBeGreaterThan(1_000_000);
      await expect.poll(() => window.page.evaluate('window.__received.length')).toBe(3);
      const received = (await window.page.evaluate('window.__received')) as Array<{ channel: string; payload?: unknown }>;
      expect(received.map((r) => r.channel)).toEqual(['servers.changed', 'fleet.done', 'keys.changed']);
      expect(received[0]!.payload).toBeUndefined();
      expect(received[1]!.payload).toEqual(done);
    } finally {
      await window.close();
    }
  });
});
