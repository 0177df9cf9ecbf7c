/**
 * The grid with 5,000 servers in headless Chromium, over the real handlers and core (the e2e
 * harness): time from the data arriving to the first painted grid, a filter keystroke to the
 * updated grid, row elements in the DOM while scrolling, and the JS heap after load.
 */
import { closeBrowser, launchApp } from '../e2e/harness';
import { seedLargeFleet } from '../e2e/fixtures';

type Record = (name: string, value: string, target?: string, verdict?: 'meets' | 'misses' | 'info') => void;

const COUNT = 5000;

/** The median of some timings (the upper one of the two middle ones for an even count). */
export function middle(times: number[]): number {
  return [...times].sort((a, b) => a - b)[times.length >> 1]!;
}

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
    const filter = middle(keystrokes);
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

/**
 * A refresh of a simulated fleet in the app (`urls`, on loopback): progress messages reaching the
 * renderer per second, the longest frame while it runs, and the time from the operation's end in
 * the main process to the grid painted with every result.
 */
export async function measureRendererRefresh(record: Record, urls: readonly string[]): Promise<void> {
  const app = await launchApp({
    seed: async (core) => {
      const report = await core.registry.importCsv(`name,url\n${urls.map((u, i) => `appliance-${String(i).padStart(4, '0')},${u}`).join('\n')}`);
      if (report.accepted !== urls.length) throw new Error(`seeded ${report.accepted} of ${urls.length} servers`);
    },
  });
  try {
    const { page, handlers } = app;
    await page.waitForSelector('.grid-body [role=row]');
    // The first refresh of a fleet never read (every row goes from unknown to a state, the sort
    // order changes throughout), then a refresh of the same fleet, as the app mostly runs it.
    for (const kind of ['first', 'steady'] as const) {
      let doneAt = 0;
      const listening = handlers.onEvent(({ channel }) => {
        if (channel === 'fleet.done') doneAt = Date.now();
      });
      // Count what arrives and watch the frames, from inside the page. A string, not a function: the
      // bench runs through tsx, whose helpers (__name) do not exist in the page.
      await page.evaluate(`(() => {
        const bench = (window.__bench = { messages: 0, events: 0, longest: 0, longestTask: 0, paintedAt: 0, first: 0, last: 0 });
        // Tasks of 50 ms or more on the page's own thread: a long frame without one was the
        // renderer waiting for a core (two, shared with the main process and the simulator).
        const tasks = new PerformanceObserver((list) => {
          for (const task of list.getEntries()) bench.longestTask = Math.max(bench.longestTask, task.duration);
        });
        tasks.observe({ type: 'longtask' });
        const emit = window.__bfEmitBeforeBench ?? window.__bfEmit;
        window.__bfEmitBeforeBench = emit;
        window.__bfEmit = (channel, payload) => {
          if (channel === 'fleet.progress') {
            bench.messages++;
            bench.events += Array.isArray(payload) ? payload.length : 1;
            bench.first ||= performance.now();
            bench.last = performance.now();
          }
          emit(channel, payload);
          if (channel === 'fleet.done') requestAnimationFrame(() => requestAnimationFrame(() => (bench.paintedAt = Date.now())));
        };
        let previous = performance.now();
        const frame = (now) => {
          bench.longest = Math.max(bench.longest, now - previous);
          previous = now;
          if (!bench.paintedAt) requestAnimationFrame(frame);
          else tasks.disconnect();
        };
        requestAnimationFrame(frame);
      })()`);
      await page.getByRole('button', { name: /^Refresh all/ }).click();
      await page.waitForFunction(() => (window as unknown as { __bench: { paintedAt: number } }).__bench.paintedAt > 0, null, { timeout: 120_000 });
      const bench = await page.evaluate(() => (window as unknown as { __bench: { messages: number; events: number; longest: number; longestTask: number; paintedAt: number; first: number; last: number } }).__bench);
      listening.dispose();
      const name = `app, ${kind} refresh of ${urls.length} servers`;
      const seconds = Math.max(0.001, (bench.last - bench.first) / 1000);
      const perSecond = bench.messages / seconds;
      record(`${name}: progress messages reaching the renderer`, `${perSecond.toFixed(0)} a second (${bench.messages} messages for ${bench.events} events)`, '≤ 20 a second', perSecond <= 21 ? 'meets' : 'misses');
      record(`${name}: longest frame while it runs`, `${bench.longest.toFixed(0)} ms`, '≤ 50 ms', bench.longest <= 50 ? 'meets' : 'misses');
      record(`${name}: longest task on the page's thread (Long Tasks API: 50 ms or more)`, bench.longestTask ? `${bench.longestTask.toFixed(0)} ms` : 'none');
      record(`${name}: operation done in the main process → final grid painted`, `${bench.paintedAt - doneAt} ms`);
    }
  } finally {
    await app.close();
    await closeBrowser();
  }
}
