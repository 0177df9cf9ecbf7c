import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RecentLatency, runPooled } from '../../electron/core/fleet/pool';

// runPooled parks a slow task with setTimeout; the tasks here take their time with setTimeout too.
// Both run on fake timers, so every assertion is about what had started and ended by a given
// moment of virtual time, never about how fast the machine is.
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const items = (n: number) => Array.from({ length: n }, (_, i) => i);
const options = (o: { concurrency: number; maxInFlight: number; parkAfterMs: number; signal?: AbortSignal }) => ({
  concurrency: o.concurrency,
  maxInFlight: o.maxInFlight,
  parkAfterMs: () => o.parkAfterMs,
  signal: o.signal ?? new AbortController().signal,
});

/** Which items started and ended, and how many ran at once at the most. */
function tracker() {
  const state = {
    started: [] as number[],
    ended: [] as number[],
    running: 0,
    mostRunning: 0,
    /** A task that records itself and takes `ms(item)` of virtual time. */
    task: (ms: (item: number) => number) => async (item: number) => {
      state.started.push(item);
      state.mostRunning = Math.max(state.mostRunning, ++state.running);
      try {
        await sleep(ms(item));
      } finally {
        state.running--;
        state.ended.push(item);
      }
    },
  };
  return state;
}

/** The pool's promise, and whether it has settled yet. */
function watch(pool: Promise<number>) {
  const result = { settled: false, value: undefined as number | undefined };
  void pool.then((value) => Object.assign(result, { settled: true, value }));
  return result;
}

describe('runPooled', () => {
  it('runs at most `concurrency` tasks at once when none is slow', async () => {
    const t = tracker();
    const pool = watch(runPooled(items(40), options({ concurrency: 5, maxInFlight: 20, parkAfterMs: 1000 }), t.task(() => 5)));
    await vi.advanceTimersByTimeAsync(0);
    expect(t.started).toEqual([0, 1, 2, 3, 4]);
    // Each end lets exactly one more start: 8 rounds of 5, none waiting for the park timer.
    await vi.advanceTimersByTimeAsync(5);
    expect(t.started).toEqual(items(10));
    await vi.advanceTimersByTimeAsync(35);
    expect(pool).toEqual({ settled: true, value: 40 });
    expect(t.ended).toEqual(items(40));
    expect(t.mostRunning).toBe(5);
  });

  it('lets a silent task give up its slot after parkAfterMs, so the rest do not wait for it', async () => {
    const t = tracker();
    // Items 0 and 1 hang for 600 ms; with 2 slots and no parking the other 20 would wait for them.
    const pool = watch(runPooled(items(22), options({ concurrency: 2, maxInFlight: 8, parkAfterMs: 30 }), t.task((i) => (i < 2 ? 600 : 5))));
    await vi.advanceTimersByTimeAsync(29);
    expect(t.started, 'a slot was given up before parkAfterMs').toEqual([0, 1]);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.started, 'the two silent tasks did not give up their slots').toEqual([0, 1, 2, 3]);
    // 20 quick tasks, 2 at a time, 5 ms each: all done 50 ms after the parking.
    await vi.advanceTimersByTimeAsync(50);
    expect(t.ended).toEqual(items(22).slice(2));
    expect(t.mostRunning, 'parked tasks still count as running until they end').toBe(4);
    expect(pool.settled, 'resolved before the parked tasks ended').toBe(false);
    await vi.advanceTimersByTimeAsync(600 - 80);
    expect(t.ended.slice(-2).sort()).toEqual([0, 1]);
    expect(pool).toEqual({ settled: true, value: 22 });
  });

  it('applies a shorter parkAfterMs learned meanwhile to the tasks already waiting', async () => {
    const t = tracker();
    // Until the pace is known the threshold is long (1 s); it drops to 40 ms at 100 ms. Items 0 and 1 hang.
    let parkAfterMs = 1000;
    const pool = watch(runPooled(items(12), { concurrency: 2, maxInFlight: 8, parkAfterMs: () => parkAfterMs, signal: new AbortController().signal }, t.task((i) => (i < 2 ? 2000 : 5))));
    await vi.advanceTimersByTimeAsync(100);
    parkAfterMs = 40;
    expect(t.started, 'parked before the threshold was reached').toEqual([0, 1]);
    // Both have waited past the new threshold: they give up their slots at the next look, within 250 ms.
    await vi.advanceTimersByTimeAsync(150);
    expect(t.started.length, 'the silent tasks kept their slots under the old threshold').toBeGreaterThan(2);
    await vi.advanceTimersByTimeAsync(100);
    expect(t.ended).toEqual(items(12).slice(2));
    await vi.runAllTimersAsync();
    expect(pool).toEqual({ settled: true, value: 12 });
  });

  it('never has more than `maxInFlight` tasks, parked or not', async () => {
    const t = tracker();
    const pool = watch(runPooled(items(12), options({ concurrency: 2, maxInFlight: 4, parkAfterMs: 1 }), t.task(() => 40)));
    // Every task parks after 1 ms, so only maxInFlight holds the pool back.
    await vi.advanceTimersByTimeAsync(39);
    expect(t.started).toEqual([0, 1, 2, 3]);
    await vi.advanceTimersByTimeAsync(1); // 0 and 1 end: two more may start, not more
    expect(t.started).toEqual([0, 1, 2, 3, 4, 5]);
    await vi.runAllTimersAsync();
    expect(pool).toEqual({ settled: true, value: 12 });
    expect(t.mostRunning).toBe(4);
  });

  it('starts nothing more once aborted, and resolves when the running ones end', async () => {
    const abort = new AbortController();
    const t = tracker();
    const task = t.task(() => 10);
    const pool = watch(
      runPooled(items(50), options({ concurrency: 3, maxInFlight: 6, parkAfterMs: 1000, signal: abort.signal }), (i) => {
        if (i === 4) abort.abort(); // the fifth task, started at 10 ms, aborts the run as it starts
        return task(i);
      }),
    );
    await vi.advanceTimersByTimeAsync(10);
    expect(t.started).toEqual([0, 1, 2, 3, 4]);
    await vi.advanceTimersByTimeAsync(9);
    expect(pool.settled, 'resolved while tasks 3 and 4 still ran').toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(pool).toEqual({ settled: true, value: 5 });
    await vi.runAllTimersAsync();
    expect(t.started).toEqual([0, 1, 2, 3, 4]);
  });

  it('resolves at once with nothing started when aborted before it begins', async () => {
    const abort = new AbortController();
    abort.abort();
    const task = vi.fn(async () => undefined);
    await expect(runPooled(items(3), options({ concurrency: 2, maxInFlight: 2, parkAfterMs: 1000, signal: abort.signal }), task)).resolves.toBe(0);
    expect(task).not.toHaveBeenCalled();
  });

  it('survives a task that throws', async () => {
    const seen: number[] = [];
    const pool = runPooled([1, 2, 3], options({ concurrency: 1, maxInFlight: 1, parkAfterMs: 1000 }), async (i) => {
      seen.push(i);
      if (i === 1) throw new Error('boom');
    });
    await expect(pool).resolves.toBe(3);
    expect(seen).toEqual([1, 2, 3]);
    expect(vi.getTimerCount(), 'a park timer outlived its task').toBe(0);
  });
});

describe('RecentLatency', () => {
  it('knows nothing until it has seen enough answers, then gives the median of the recent ones', () => {
    const latency = new RecentLatency(16);
    for (let i = 0; i < 7; i++) latency.add(100);
    expect(latency.quantile(0.5)).toBeNull();
    latency.add(100);
    expect(latency.quantile(0.5)).toBe(100);
    for (let i = 0; i < 16; i++) latency.add(10); // the old samples roll out
    expect(latency.quantile(0.5)).toBe(10);
  });

  it('gives the time within which a fraction of recent answers came, unmoved by the slowest few', () => {
    const latency = new RecentLatency(20);
    for (let i = 1; i <= 20; i++) latency.add(i === 20 ? 5000 : 100 + i); // 101..119, and one at 5 s
    expect(latency.quantile(0.9)).toBe(119);
    expect(latency.quantile(0.5)).toBe(111);
    expect(latency.quantile(1)).toBe(5000);
  });

  it('sorts again only after a few new answers, and then follows them', () => {
    const latency = new RecentLatency(16);
    for (let i = 0; i < 16; i++) latency.add(10);
    expect(latency.quantile(0.5)).toBe(10);
    for (let i = 0; i < 7; i++) latency.add(500);
    expect(latency.quantile(0.5)).toBe(10); // 7 slow answers of 16: the median is still fast anyway
    for (let i = 0; i < 2; i++) latency.add(500);
    expect(latency.quantile(0.5)).toBe(500); // 9 of 16 now, and 9 new answers since the last sort
  });
});
