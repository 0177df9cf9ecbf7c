/**
 * The grid with 5,000 servers in headless Chromium, over the real handlers and core (the e2e
 * harness): time from the data arriving to the first painted grid, a filter keystroke to the
 * updated grid, row elements in the DOM while scrolling, and the JS heap after load.
 */
import { closeBrowser, launchApp } from '../e2e/harness';
import { seedLargeFleet } from '../e2e/fixtures';

type Record = (name: string, value: string, target?: string, verdict?: 'meets' | 'misses' | 'info') => void;

const COUNT = 5000;

export async function measureRenderer(record: Record): Promise<void> {
  const app = await launchApp({ seed: (core) => seedLargeFleet(core, COUNT) });
  try {
    const { page } = app;
    await page.waitForSelector('.grid-body [role=row]');
    const paint = await page.evaluate(async () => {
      for (let i = 0; i < 100 && performance.getEntriesByName('bf:grid-painted').length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      return performance.getEntriesByName('bf:grid-painted')[0]!.startTime - performance.getEntriesByName('bf:fleet-loaded')[0]!.startTime;
    });
    record(`renderer, ${COUNT} servers: data arrived → first painted grid`, `${paint.toFixed(0)} ms`, '< 250 ms', paint < 250 ? 'meets' : 'misses');

    // Median of several keystrokes, each measured to the second animation frame after the input.
    const keystrokes: number[] = [];
    for (const text of ['a', 'ap', 'appliance-1', 'appliance-12', 'site-07', '']) {
      keystrokes.push(
        await page.evaluate(async (value) => {
          const input = document.querySelector<HTMLInputElement>('input[type=search]')!;
          const t0 = performance.now();
          input.value = value;
          input.dispatchEvent(new Event('input', { bubbles: true }));
          await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
          return performance.now() - t0;
        }, text),
      );
    }
    const filter = keystrokes.sort((a, b) => a - b)[keystrokes.length >> 1]!;
    record(`renderer, ${COUNT} servers: filter keystroke → updated grid (median of ${keystrokes.length})`, `${filter.toFixed(1)} ms`, '< 50 ms', filter < 50 ? 'meets' : 'misses');

    let mostRows = 0;
    for (const fraction of [0.25, 0.5, 0.75, 1]) {
      await page.evaluate((f) => {
        const grid = document.querySelector('[role=grid]')!;
        grid.scrollTop = grid.scrollHeight * f;
      }, fraction);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      mostRows = Math.max(mostRows, await page.locator('[role=row]').count());
    }
    record(`renderer, ${COUNT} servers: row elements in the DOM while scrolling (most seen)`, String(mostRows), '< 200', mostRows < 200 ? 'meets' : 'misses');

    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    const mb = usedSize / 1048576;
    record(`renderer, ${COUNT} servers: JS heap after load`, `${mb.toFixed(1)} MB`, '< 100 MB', mb < 100 ? 'meets' : 'misses');
  } finally {
    await app.close();
    await closeBrowser();
  }
}
